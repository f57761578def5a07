/*
 * smtp.c: the libcurl adapter, SMTP to a relay over several sessions.
 *
 * Each slot is an easy handle in one multi handle; connections live in the
 * multi's pool and are reused from one transaction to the next.  Before
 * each job the slot's handle is reset and every option set afresh from the
 * slot's own buffers, which the job overwrites whole: an option set for
 * one recipient cannot carry over to the next.
 */
#include <curl/curl.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "fsutil.h"
#include "transport_impl.h"
#include "util.h"

#define CONNECT_TIMEOUT_S 30
/* RFC 5321 section 4.5.3.2 allows servers minutes per reply. */
#define REPLY_TIMEOUT_S 300

enum slot_state { SLOT_FREE, SLOT_RUNNING, SLOT_DONE };

struct slot {
	CURL *h;
	enum slot_state state;
	struct curl_slist *rcpt;
	char from[ADDR_MAX + 3];	/* "<addr>" */
	char to[ADDR_MAX + 3];
	char member[TX_MEMBER_MAX];
	const char *seg[3];
	size_t seglen[3];
	int segi;
	size_t segoff;
	size_t total;
	char last_cmd[5];		/* MAIL, RCPT, DATA, EHLO, ... */
	char reply[TX_TEXT_MAX];	/* the server's last reply line */
	struct tx_result result;
};

struct smtp {
	CURLM *multi;
	struct slot *slots;
	int nslots;
	char *url;
	char *user, *pass;
	enum relay_tls tls;
};

static size_t
read_body(char *out, size_t size, size_t n, void *arg)
{
	struct slot *s = arg;
	size_t room = size * n, done = 0;

	while (done < room && s->segi < 3) {
		size_t left = s->seglen[s->segi] - s->segoff;
		size_t k = left < room - done ? left : room - done;

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

/* Keeps the last command sent and the last reply line received. */
static int
on_debug(CURL *h, curl_infotype type, char *data, size_t size, void *arg)
{
	struct slot *s = arg;
	size_t n;

	(void)h;
	if (type == CURLINFO_HEADER_OUT && size >= 4) {
		memcpy(s->last_cmd, data, 4);
		s->last_cmd[4] = '\0';
	} else if (type == CURLINFO_HEADER_IN) {
		n = size < sizeof(s->reply) - 1 ? size : sizeof(s->reply) - 1;
		memcpy(s->reply, data, n);
		while (n > 0 && (s->reply[n - 1] == '\n' ||
		    s->reply[n - 1] == '\r'))
			n--;
		s->reply[n] = '\0';
	}
	return 0;
}

static void
slot_options(struct smtp *sm, struct slot *s)
{
	CURL *h = s->h;

	curl_easy_reset(h);
	curl_easy_setopt(h, CURLOPT_URL, sm->url);
	curl_easy_setopt(h, CURLOPT_PRIVATE, s);
	curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(h, CURLOPT_TCP_NODELAY, 1L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, (long)CONNECT_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_SERVER_RESPONSE_TIMEOUT,
	    (long)REPLY_TIMEOUT_S);
	curl_easy_setopt(h, CURLOPT_USE_SSL, sm->tls == RELAY_TLS_NO ?
	    (long)CURLUSESSL_NONE : sm->tls == RELAY_TLS_TRY ?
	    (long)CURLUSESSL_TRY : (long)CURLUSESSL_ALL);
	if (sm->user != NULL) {
		curl_easy_setopt(h, CURLOPT_USERNAME, sm->user);
		curl_easy_setopt(h, CURLOPT_PASSWORD, sm->pass);
	}
	curl_easy_setopt(h, CURLOPT_MAIL_FROM, s->from);
	curl_easy_setopt(h, CURLOPT_MAIL_RCPT, s->rcpt);
	curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
	curl_easy_setopt(h, CURLOPT_READFUNCTION, read_body);
	curl_easy_setopt(h, CURLOPT_READDATA, s);
	curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, (curl_off_t)s->total);
	curl_easy_setopt(h, CURLOPT_VERBOSE, 1L);
	curl_easy_setopt(h, CURLOPT_DEBUGFUNCTION, on_debug);
	curl_easy_setopt(h, CURLOPT_DEBUGDATA, s);
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
	memcpy(s->member, job->member, job->member_len);
	s->seg[0] = job->head;
	s->seglen[0] = job->head_len;
	s->seg[1] = s->member;
	s->seglen[1] = job->member_len;
	s->seg[2] = job->tail;
	s->seglen[2] = job->tail_len;
	s->segi = 0;
	s->segoff = 0;
	s->total = job->head_len + job->member_len + job->tail_len;
	s->last_cmd[0] = '\0';
	s->reply[0] = '\0';
	memset(&s->result, 0, sizeof(s->result));
	s->result.tag = job->tag;
	if ((s->rcpt = curl_slist_append(NULL, s->to)) == NULL)
		return err_set(e, ERR_TEMP, "out of memory");
	/* The check the whole design rests on, made on what curl will use. */
	if (count_rcpt(s->rcpt) != 1)
		return err_set(e, ERR_INTERNAL, "envelope with %d recipients",
		    count_rcpt(s->rcpt));
	return 0;
}

static int
smtp_submit(void *impl, const struct tx_job *job, struct err *e)
{
	struct smtp *sm = impl;
	struct slot *s = NULL;
	int i;

	for (i = 0; i < sm->nslots && s == NULL; i++)
		if (sm->slots[i].state == SLOT_FREE)
			s = &sm->slots[i];
	if (s == NULL)
		return err_set(e, ERR_INTERNAL, "no free slot");
	if (slot_load(s, job, e) < 0)
		return -1;
	slot_options(sm, s);
	if (curl_multi_add_handle(sm->multi, s->h) != CURLM_OK)
		return err_set(e, ERR_INTERNAL, "curl_multi_add_handle");
	s->state = SLOT_RUNNING;
	return 0;
}

static int
is_cmd(const struct slot *s, const char *cmd)
{
	return str_casecmp(s->last_cmd, cmd) == 0;
}

/*
 * Whose problem is it?  A reply to RCPT or to the data is about this
 * recipient; anything before (connect, greeting, EHLO, AUTH, MAIL) or
 * without a reply is about the relay, and 421 always is (RFC 5321 section
 * 3.8: the server is closing the session).
 */
static void
classify(struct slot *s, CURLcode rc)
{
	struct tx_result *r = &s->result;
	long code = 0;

	curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &code);
	r->code = (int)code;
	if (s->reply[0] != '\0')
		str_copy(r->text, sizeof(r->text), s->reply);
	else
		str_copy(r->text, sizeof(r->text), curl_easy_strerror(rc));
	if (rc == CURLE_OK && code >= 200 && code < 300)
		r->status = TX_OK;
	else if (code == 421 || code < 400)
		r->status = TX_RELAY;
	else if (is_cmd(s, "RCPT") || is_cmd(s, "DATA"))
		r->status = code >= 500 ? TX_PERM : TX_TEMP;
	else
		r->status = TX_RELAY;
	if (rc != CURLE_OK && s->reply[0] == '\0')
		r->code = 0;
}

static void
reap(struct smtp *sm)
{
	CURLMsg *msg;
	int left;

	while ((msg = curl_multi_info_read(sm->multi, &left)) != NULL) {
		struct slot *s;

		if (msg->msg != CURLMSG_DONE)
			continue;
		curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, &s);
		classify(s, msg->data.result);
		curl_multi_remove_handle(sm->multi, s->h);
		s->state = SLOT_DONE;
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
	}
	return n;
}

static int
smtp_collect(void *impl, struct tx_result *res, int max, int timeout_ms,
    struct err *e)
{
	struct smtp *sm = impl;
	int64_t deadline = mono_ms() + timeout_ms;
	int running, n;

	for (;;) {
		if (curl_multi_perform(sm->multi, &running) != CURLM_OK)
			return err_set(e, ERR_INTERNAL, "curl_multi_perform");
		reap(sm);
		if ((n = gather(sm, res, max)) > 0 || running == 0)
			return n;
		if (mono_ms() >= deadline)
			return 0;
		if (curl_multi_poll(sm->multi, NULL, 0,
		    (int)(deadline - mono_ms()), NULL) != CURLM_OK)
			return err_set(e, ERR_INTERNAL, "curl_multi_poll");
	}
}

static int
smtp_free_slots(void *impl)
{
	struct smtp *sm = impl;
	int i, n = 0;

	for (i = 0; i < sm->nslots; i++)
		n += sm->slots[i].state == SLOT_FREE;
	return n;
}

static int
smtp_busy(void *impl)
{
	struct smtp *sm = impl;

	return sm->nslots - smtp_free_slots(impl);
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
	curl_multi_cleanup(sm->multi);
	free(sm->slots);
	free(sm->url);
	free(sm->user);
	free(sm->pass);
	free(sm);
}

static const struct transport_ops smtp_ops = {
	smtp_free_slots, smtp_busy, smtp_submit, smtp_collect, smtp_close
};

/* "user:password" on the first line of the credentials file. */
static int
read_credentials(struct smtp *sm, const char *path, struct err *e)
{
	struct buf b;
	char *colon;

	buf_init(&b, 4096);
	if (fs_read_file(path, &b, e) < 0) {
		buf_free(&b);
		return err_prefix(e, "credentials");
	}
	b.data[strcspn(b.data, "\r\n")] = '\0';
	if ((colon = strchr(b.data, ':')) == NULL) {
		buf_free(&b);
		return err_set(e, ERR_CONFIG, "%s: expected user:password",
		    path);
	}
	*colon = '\0';
	sm->user = xstrdup(b.data);
	sm->pass = xstrdup(colon + 1);
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

int
smtp_open(const struct conf *c, const struct relay_conf *r, void **impl,
    const struct transport_ops **ops, struct err *e)
{
	static int curl_ready;
	struct smtp *sm;
	int i;

	if (!curl_ready && curl_global_init(CURL_GLOBAL_DEFAULT) != 0)
		return err_set(e, ERR_TEMP, "curl_global_init failed");
	curl_ready = 1;
	sm = xcalloc(1, sizeof(*sm));
	sm->url = relay_url(r->url, c->hostname);
	sm->tls = r->tls;
	if (r->credentials != NULL &&
	    read_credentials(sm, r->credentials, e) < 0) {
		smtp_close(sm);
		return -1;
	}
	sm->nslots = r->connections;
	sm->slots = xcalloc((size_t)sm->nslots, sizeof(*sm->slots));
	sm->multi = curl_multi_init();
	curl_multi_setopt(sm->multi, CURLMOPT_MAX_HOST_CONNECTIONS,
	    (long)sm->nslots);
	curl_multi_setopt(sm->multi, CURLMOPT_MAXCONNECTS, (long)sm->nslots);
	for (i = 0; i < sm->nslots; i++)
		if ((sm->slots[i].h = curl_easy_init()) == NULL) {
			smtp_close(sm);
			return err_set(e, ERR_TEMP, "curl_easy_init failed");
		}
	*impl = sm;
	*ops = &smtp_ops;
	return 0;
}
