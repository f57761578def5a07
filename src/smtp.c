/*
 * smtp.c: the libcurl adapter, SMTP to one or more relays over several
 * sessions each.
 *
 * Each slot is an easy handle in one multi handle, bound to one relay;
 * connections live in the multi's pool and are reused from one transaction
 * to the next.  The options that are the same for every copy are set once,
 * when the slot is made; those that belong to one recipient (MAIL FROM,
 * the recipient list, the size) are set for every job from the slot's own
 * buffers, which the job overwrites whole.  No option of one recipient can
 * carry over to the next, because every one of them is written for every
 * job.  (Resetting the handle instead would free and re-allocate curl's
 * buffers for each copy.)
 *
 * Which relay takes a copy is relay.c's business.  A copy whose relay
 * failed it (unreachable, or throttling with 421) is parked and sent again
 * through another relay, or through the same one once it has calmed down;
 * only when no relay can take it, or after a few tries, does the caller
 * see TX_RELAY.
 */
#include <curl/curl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"
#include "relay.h"
#include "transport_impl.h"
#include "util.h"

#define CONNECT_TIMEOUT_S 30
/* RFC 5321 section 4.5.3.2 allows servers minutes per reply. */
#define REPLY_TIMEOUT_S 300
#define TRIES_MAX 3		/* relays a copy is offered to, in all */

enum slot_state { SLOT_FREE, SLOT_RUNNING, SLOT_PARKED, SLOT_DONE };

struct slot {
	CURL *h;
	int relay;			/* index into smtp.relays */
	enum slot_state state;
	struct curl_slist *rcpt;
	char from[ADDR_MAX + 3];	/* "<addr>" */
	char to[ADDR_MAX + 3];
	char member[TX_MEMBER_MAX];
	size_t member_len;
	const char *seg[3];
	size_t seglen[3];
	int segi;
	size_t segoff;
	size_t total;
	int tries;
	char reply[TX_TEXT_MAX];	/* the reply line that tells */
	int refused;			/* reply holds a 4xx/5xx: keep it */
	char error[CURL_ERROR_SIZE];	/* curl's account of a failure */
	struct tx_result result;
};

struct relay {
	const struct relay_conf *conf;
	char *url;
	char *user, *pass;
	struct relay_state st;
};

struct smtp {
	CURLM *multi;
	struct relay *relays;
	int nrelays;
	struct relay_state *states;	/* relays[i].st, contiguous */
	struct slot *slots;
	int nslots;
};

static size_t
read_body(char *out, size_t size, size_t n, void *arg)
{
	struct slot *s = arg;
	size_t room = size * n, done = 0;

	while (done < room && s->segi < 3) {
		size_t left = s->seglen[s->segi] - s->segoff;
		size_t k = left < room - done ? left : room - done;

		/* An empty segment may be NULL (Herald's own mail). */
		if (k > 0)
			memcpy(out + done, s->seg[s->segi] + s->segoff, k);
		done += k;
		s->segoff += k;
		if (s->segoff == s->seglen[s->segi]) {
			s->segi++;
			s->segoff = 0;
		}
	}
	return done;
}

/*
 * curl passes each reply line of the server here.  The last one is kept
 * until the final line of a refusal: after that curl may still send QUIT,
 * and its "221 Bye" must not stand for the server's reason.
 */
static size_t
on_reply(char *data, size_t size, size_t n, void *arg)
{
	struct slot *s = arg;
	size_t len = size * n, k;

	if (s->refused)
		return len;
	/* A final line is "NNN text"; "NNN-text" continues the reply. */
	s->refused = len >= 4 && (data[0] == '4' || data[0] == '5') &&
	    data[3] != '-';
	k = len < sizeof(s->reply) - 1 ? len : sizeof(s->reply) - 1;
	memcpy(s->reply, data, k);
	while (k > 0 && (s->reply[k - 1] == '\n' || s->reply[k - 1] == '\r'))
		k--;
	s->reply[k] = '\0';
	return len;
}

/* What every transaction of a slot shares, set once. */
static void
slot_init(struct smtp *sm, struct slot *s)
{
	const struct relay *r = &sm->relays[s->relay];
	CURL *h = s->h;

	curl_easy_setopt(h, CURLOPT_URL, r->url);
	curl_easy_setopt(h, CURLOPT_PRIVATE, s);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	/* Without it, one transaction per recipient stalls on delayed ACKs. */
	curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT,
	    (long)REPLY_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_USE_SSL, r->conf->tls == RELAY_TLS_NO ?
	    (long)CURLUSESSL_NONE : r->conf->tls == RELAY_TLS_TRY ?
	    (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL);
	if (r->user != NULL) {
		curl_easy_setopt(h, CURLOPT_USERNAME, r->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, r->pass);
	}
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_body);
	curl_easy_setopt(h, CURLOPT_READDATA, s);
	curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, on_reply);
	curl_easy_setopt(h, CURLOPT_HEADERDATA, s);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, s->error);
}

static int
count_rcpt(const struct curl_slist *l)
{
	int n = 0;

	for (; l != NULL; l = l->next)
		n++;
	return n;
}

/* Rewrites every per-job field of the slot from the job. */
static int
slot_load(struct slot *s, const struct tx_job *job, struct err *e)
{
	curl_slist_free_all(s->rcpt);
	s->rcpt = NULL;
	if (str_fmt(s->from, sizeof(s->from), "<%s>", job->from) < 0 ||
	    str_fmt(s->to, sizeof(s->to), "<%s>", job->rcpt) < 0)
		return err_set(e, ERR_INTERNAL, "address too long");
	memset(s->member, 0, sizeof(s->member));
	if (job->member_len > 0)	/* Herald's own mail has none */
		memcpy(s->member, job->member, job->member_len);
	s->member_len = job->member_len;
	s->seg[0] = job->head;
	s->seglen[0] = job->head_len;
	s->seg[1] = s->member;
	s->seglen[1] = job->member_len;
	s->seg[2] = job->tail;
	s->seglen[2] = job->tail_len;
	s->total = job->head_len + job->member_len + job->tail_len;
	s->tries = 0;
	memset(&s->result, 0, sizeof(s->result));
	s->result.tag = job->tag;
	return 0;
}

/* Moves a parked job into another slot (of the relay picked for it). */
static void
slot_move(struct slot *to, struct slot *from)
{
	curl_slist_free_all(to->rcpt);
	to->rcpt = NULL;
	memcpy(to->from, from->from, sizeof(to->from));
	memcpy(to->to, from->to, sizeof(to->to));
	memcpy(to->member, from->member, sizeof(to->member));
	to->member_len = from->member_len;
	to->seg[0] = from->seg[0];
	to->seglen[0] = from->seglen[0];
	to->seg[1] = to->member;
	to->seglen[1] = from->member_len;
	to->seg[2] = from->seg[2];
	to->seglen[2] = from->seglen[2];
	to->total = from->total;
	to->tries = from->tries;
	to->result = from->result;
	from->state = SLOT_FREE;
	memset(from->member, 0, sizeof(from->member));
}

/* Starts the slot's job; the envelope is checked on what curl will use. */
static int
slot_start(struct smtp *sm, struct slot *s, struct err *e)
{
	s->segi = 0;
	s->segoff = 0;
	s->reply[0] = '\0';
	s->refused = 0;
	s->error[0] = '\0';
	s->tries++;
	if ((s->rcpt = curl_slist_append(NULL, s->to)) == NULL)
		return err_set(e, ERR_TEMP, "out of memory");
	/* The check the whole design rests on. */
	if (count_rcpt(s->rcpt) != 1)
		return err_set(e, ERR_INTERNAL, "envelope with %d recipients",
		    count_rcpt(s->rcpt));
	curl_easy_setopt(s->h, CURLOPT_MAIL_FROM, s->from);
	curl_easy_setopt(s->h, CURLOPT_MAIL_RCPT, s->rcpt);
	curl_easy_setopt(s->h, CURLOPT_INFILESIZE_LARGE,
	    (curl_off_t)s->total);
	if (curl_multi_add_handle(sm->multi, s->h) != CURLM_OK)
		return err_set(e, ERR_INTERNAL, "curl_multi_add_handle");
	s->state = SLOT_RUNNING;
	return 0;
}

static struct slot *
free_slot_of(struct smtp *sm, int relay)
{
	int i;

	for (i = 0; i < sm->nslots; i++)
		if (sm->slots[i].relay == relay &&
		    sm->slots[i].state == SLOT_FREE)
			return &sm->slots[i];
	return NULL;
}

static int
parked(const struct smtp *sm)
{
	int i, n = 0;

	for (i = 0; i < sm->nslots; i++)
		n += sm->slots[i].state == SLOT_PARKED;
	return n;
}

static int
all_down(const struct smtp *sm, int64_t now)
{
	int i;

	for (i = 0; i < sm->nrelays; i++)
		if (!relay_down(&sm->states[i], now))
			return 0;
	return 1;
}

/* The relay's verdict on a finished transaction, for relay.c. */
static enum relay_outcome
outcome(const struct tx_result *r)
{
	switch (r->status) {
	case TX_OK:
		return RELAY_OK;
	case TX_TEMP:
		return RELAY_MEMBER_TEMP;
	case TX_PERM:
		return RELAY_MEMBER_PERM;
	case TX_RELAY:
		break;
	}
	return r->code >= 400 && r->code < 500 ? RELAY_THROTTLED :
	    RELAY_UNREACHABLE;
}

/*
 * Sends parked jobs on to a relay that can take them now.  A job that
 * has had its tries, or finds every relay down, fails back to the caller
 * as a relay problem.
 */
static int
dispatch_parked(struct smtp *sm, struct err *e)
{
	int64_t now = mono_ms();
	struct slot *p, *to;
	int i, r;

	for (i = 0; i < sm->nslots; i++) {
		p = &sm->slots[i];
		if (p->state != SLOT_PARKED)
			continue;
		if (p->tries >= TRIES_MAX || all_down(sm, now)) {
			p->state = SLOT_DONE;
			continue;
		}
		if ((r = relay_pick(sm->states, sm->nrelays, now)) < 0)
			return 0;
		if ((to = free_slot_of(sm, r)) == NULL) {
			sm->states[r].busy--;
			continue;
		}
		if (to != p)
			slot_move(to, p);
		if (slot_start(sm, to, e) < 0)
			return -1;
	}
	return 0;
}

static int
smtp_submit(void *impl, const struct tx_job *job, struct err *e)
{
	struct smtp *sm = impl;
	struct slot *s;
	int r = relay_pick(sm->states, sm->nrelays, mono_ms());

	if (r < 0 || (s = free_slot_of(sm, r)) == NULL) {
		if (r >= 0)
			sm->states[r].busy--;
		return err_set(e, ERR_INTERNAL, "no relay can take a copy");
	}
	if (slot_load(s, job, e) < 0 || slot_start(sm, s, e) < 0)
		return -1;
	return 0;
}

/*
 * Whether a failure was the reply to RCPT, to DATA or to the data itself:
 * only those are about this recipient.  curl says which command failed in
 * its error text ("RCPT failed: 550"); a refusal after the data is a
 * "weird server reply" with the reply's code.
 */
static int
about_recipient(const struct slot *s, CURLcode rc)
{
	return strncmp(s->error, "RCPT failed", 11) == 0 ||
	    strncmp(s->error, "DATA failed", 11) == 0 ||
	    rc == CURLE_WEIRD_SERVER_REPLY;
}

/*
 * Whose problem is it?  A reply about this recipient (above) is; anything
 * else (connect, greeting, EHLO, AUTH, MAIL, a dropped connection) is about
 * the relay, and 421 always is (RFC 5321 section 3.8: the server is closing
 * the session).
 */
static void
classify(struct slot *s, CURLcode rc)
{
	struct tx_result *r = &s->result;
	long code = 0;

	curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
	r->code = (int)code;
	if (s->reply[0] != '\0' && (rc == CURLE_OK || code >= 400))
		str_copy(r->text, sizeof(r->text), s->reply);
	else
		str_copy(r->text, sizeof(r->text), s->error[0] != '\0' ?
		    s->error : curl_easy_strerror(rc));
	if (rc == CURLE_OK && code >= 200 && code < 300)
		r->status = TX_OK;
	else if (code == 421 || code < 400 || !about_recipient(s, rc))
		r->status = TX_RELAY;
	else
		r->status = code >= 500 ? TX_PERM : TX_TEMP;
	if (rc != CURLE_OK && code < 400)
		r->code = 0;
}

static void
reap(struct smtp *sm)
{
	int64_t now = mono_ms();
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(sm->multi, &left)) != NULL) {
		struct slot *s;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &s);
		classify(s, msg->data.result);
		curl_multi_remove_handle(sm->multi, s->h);
		curl_slist_free_all(s->rcpt);
		s->rcpt = NULL;
		relay_done(&sm->states[s->relay], outcome(&s->result), now);
		/* A relay's failure is not the copy's: another try. */
		s->state = s->result.status == TX_RELAY ? SLOT_PARKED :
		    SLOT_DONE;
	}
}

static int
gather(struct smtp *sm, struct tx_result *res, int max)
{
	int i, n = 0;

	for (i = 0; i < sm->nslots && n < max; i++) {
		if (sm->slots[i].state != SLOT_DONE)
			continue;
		res[n++] = sm->slots[i].result;
		sm->slots[i].state = SLOT_FREE;
		memset(sm->slots[i].member, 0, sizeof(sm->slots[i].member));
	}
	return n;
}

/* Nothing runs: wait for a relay to come up or a rate token, at most ms. */
static void
idle(struct smtp *sm, int64_t ms)
{
	int64_t w = relay_wait_ms(sm->states, sm->nrelays, mono_ms());

	if (w >= 0 && w < ms)
		ms = w;
	if (ms > 0)
		poll(NULL, 0, (int)ms);
}

static int
smtp_collect(void *impl, struct tx_result *res, int max, int timeout_ms,
    struct err *e)
{
	struct smtp *sm = impl;
	int64_t deadline = mono_ms() + timeout_ms, left;
	int running, n;

	for (;;) {
		if (curl_multi_perform(sm->multi, &running) != CURLM_OK)
			return err_set(e, ERR_INTERNAL, "curl_multi_perform");
		reap(sm);
		if (dispatch_parked(sm, e) < 0)
			return -1;
		if ((n = gather(sm, res, max)) > 0)
			return n;
		if ((left = deadline - mono_ms()) <= 0)
			return 0;
		if (running == 0 && parked(sm) == 0)
			return 0;
		if (running == 0) {
			idle(sm, left);
			continue;
		}
		if (curl_multi_poll(sm->multi, NULL, 0, (int)left, NULL) !=
		    CURLM_OK)
			return err_set(e, ERR_INTERNAL, "curl_multi_poll");
	}
}

/*
 * How many new copies could start now: none while parked copies wait for
 * a relay, -1 when every relay is down and nothing is in flight (nothing
 * will change within this run).
 */
static int
smtp_free_slots(void *impl)
{
	struct smtp *sm = impl;
	int64_t now = mono_ms();
	int i, n = 0, busy = 0;

	for (i = 0; i < sm->nslots; i++)
		busy += sm->slots[i].state != SLOT_FREE;
	if (busy == 0 && all_down(sm, now))
		return -1;
	if (parked(sm) > 0)
		return 0;
	for (i = 0; i < sm->nrelays; i++)
		if (relay_ready(&sm->states[i], now) &&
		    free_slot_of(sm, i) != NULL)
			n++;
	return n;
}

static int
smtp_busy(void *impl)
{
	struct smtp *sm = impl;
	int i, n = 0;

	for (i = 0; i < sm->nslots; i++)
		n += sm->slots[i].state != SLOT_FREE;
	return n;
}

static int
smtp_slots(void *impl)
{
	return ((struct smtp *)impl)->nslots;
}

static void
smtp_close(void *impl)
{
	struct smtp *sm = impl;
	int i;

	if (sm == NULL)
		return;
	for (i = 0; i < sm->nslots; i++) {
		if (sm->slots[i].state == SLOT_RUNNING)
			curl_multi_remove_handle(sm->multi, sm->slots[i].h);
		curl_easy_cleanup(sm->slots[i].h);
		curl_slist_free_all(sm->slots[i].rcpt);
	}
	for (i = 0; i < sm->nrelays; i++) {
		free(sm->relays[i].url);
		free(sm->relays[i].user);
		free(sm->relays[i].pass);
	}
	if (sm->multi != NULL)
		curl_multi_cleanup(sm->multi);
	free(sm->slots);
	free(sm->relays);
	free(sm->states);
	free(sm);
}

static const struct transport_ops smtp_ops = {
	smtp_free_slots, smtp_busy, smtp_slots, smtp_submit, smtp_collect,
	smtp_close
};

/* "user:password" on the first line of the credentials file. */
static int
read_credentials(struct relay *r, struct err *e)
{
	struct buf b;
	char *colon;

	buf_init(&b, 4096);
	if (fs_read_file(r->conf->credentials, &b, e) < 0) {
		buf_free(&b);
		return err_prefix(e, "credentials");
	}
	b.data[strcspn(b.data, "\r\n")] = '\0';
	if ((colon = strchr(b.data, ':')) == NULL) {
		buf_free(&b);
		return err_set(e, ERR_CONFIG, "%s: expected user:password",
		    r->conf->credentials);
	}
	*colon = '\0';
	r->user = xstrdup(b.data);
	r->pass = xstrdup(colon + 1);
	buf_free(&b);
	return 0;
}

/* The URL's path is the name curl gives in EHLO. */
static char *
relay_url(const char *url, const char *helo)
{
	const char *rest = strstr(url, "://");

	if (rest != NULL && strchr(rest + 3, '/') != NULL)
		return xstrdup(url);
	return xasprintf("%s/%s", url, helo);
}

static int
open_relays(struct smtp *sm, const struct conf *c, struct err *e)
{
	int64_t now = mono_ms();
	int i, k = 0, j;

	sm->nrelays = (int)c->nrelays;
	sm->relays = xcalloc(c->nrelays, sizeof(*sm->relays));
	sm->states = xcalloc(c->nrelays, sizeof(*sm->states));
	for (i = 0; i < sm->nrelays; i++) {
		struct relay *r = &sm->relays[i];

		r->conf = &c->relays[i];
		if (strncmp(r->conf->url, "maildir:", 8) == 0)
			return err_set(e, ERR_CONFIG, "relay %s: a maildir: "
			    "relay cannot be mixed with SMTP relays",
			    r->conf->name);
		r->url = relay_url(r->conf->url, c->hostname);
		if (r->conf->credentials != NULL && read_credentials(r, e) < 0)
			return -1;
		relay_init(&sm->states[i], r->conf->weight,
		    r->conf->connections, r->conf->rate, now);
		sm->nslots += r->conf->connections;
	}
	sm->slots = xcalloc((size_t)sm->nslots, sizeof(*sm->slots));
	for (i = 0; i < sm->nrelays; i++)
		for (j = 0; j < sm->relays[i].conf->connections; j++)
			sm->slots[k++].relay = i;
	return 0;
}

int
smtp_open(const struct conf *c, void **impl,
    const struct transport_ops **ops, struct err *e)
{
	static int curl_ready;
	struct smtp *sm;
	int i;

	if (!curl_ready && curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return err_set(e, ERR_TEMP, "curl_global_init failed");
	curl_ready = 1;
	sm = xcalloc(1, sizeof(*sm));
	if (open_relays(sm, c, e) < 0) {
		smtp_close(sm);
		return -1;
	}
	sm->multi = curl_multi_init();
	curl_multi_setopt(sm->multi, CURLMOPT_MAXCONNECTS, (long)sm->nslots);
	for (i = 0; i < sm->nslots; i++) {
		if ((sm->slots[i].h = curl_easy_init()) == NULL) {
			smtp_close(sm);
			return err_set(e, ERR_TEMP, "curl_easy_init failed");
		}
		slot_init(sm, &sm->slots[i]);
	}
	*impl = sm;
	*ops = &smtp_ops;
	return 0;
}
