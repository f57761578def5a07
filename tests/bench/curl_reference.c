/*
 * curl_reference.c: what libcurl alone achieves against the sink, for
 * make bench.  It sends n copies of one 4 KB message over c connections
 * with the multi interface, exactly as Herald's engine drives libcurl,
 * with nothing of Herald around it: no database, no tokens, no rendering.
 * The gap between this and smtp-source is libcurl's; the gap between
 * Herald and this is Herald's.
 *
 *   curl_reference N CONNECTIONS smtp://127.0.0.1:PORT/helo
 */
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct conn {
	CURL *h;
	struct curl_slist *rcpt;
	size_t off;
	char to[64];
};

static char message[4096];

static size_t
read_message(char *out, size_t size, size_t n, void *arg)
{
	struct conn *c = arg;
	size_t k = sizeof(message) - c->off;

	if (k > size * n)
		k = size * n;
	memcpy(out, message + c->off, k);
	c->off += k;
	return k;
}

static void
make_message(void)
{
	size_t i;

	memset(message, 'x', sizeof(message));
	for (i = 70; i + 1 < sizeof(message); i += 72) {
		message[i] = '\r';
		message[i + 1] = '\n';
	}
	memcpy(message, "Subject: reference\r\n\r\n", 22);
	message[sizeof(message) - 2] = '\r';
	message[sizeof(message) - 1] = '\n';
}

static void
start(CURLM *m, struct conn *c, int k)
{
	snprintf(c->to, sizeof(c->to), "<member%06d@example.com>", k);
	c->rcpt = curl_slist_append(NULL, c->to);
	c->off = 0;
	curl_easy_setopt(c->h, CURLOPT_MAIL_RCPT, c->rcpt);
	curl_multi_add_handle(m, c->h);
}

int
main(int argc, char **argv)
{
	int n, nc, i, started = 0, done = 0, running, left;
	struct conn *cs;
	CURLMsg *msg;
	CURLM *m;

	if (argc != 4)
		return 64;
	n = (int)strtol(argv[1], NULL, 10);
	nc = (int)strtol(argv[2], NULL, 10);
	make_message();
	m = curl_multi_init();
	cs = calloc((size_t)nc, sizeof(*cs));
	for (i = 0; i < nc; i++) {
		cs[i].h = curl_easy_init();
		curl_easy_setopt(cs[i].h, CURLOPT_URL, argv[3]);
		curl_easy_setopt(cs[i].h, CURLOPT_UPLOAD, 1L);
		curl_easy_setopt(cs[i].h, CURLOPT_TCP_NODELAY, 1L);
		/* As Herald: no SIGPIPE handler swapped in and out per call. */
		curl_easy_setopt(cs[i].h, CURLOPT_NOSIGNAL, 1L);
		curl_easy_setopt(cs[i].h, CURLOPT_READFUNCTION, read_message);
		curl_easy_setopt(cs[i].h, CURLOPT_READDATA, &cs[i]);
		curl_easy_setopt(cs[i].h, CURLOPT_PRIVATE, &cs[i]);
		curl_easy_setopt(cs[i].h, CURLOPT_MAIL_FROM,
		    "<poster@example.org>");
	}
	for (i = 0; i < nc && started < n; i++)
		start(m, &cs[i], started++);
	while (done < n) {
		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left)) != NULL) {
			struct conn *c;

			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE,
			    &c);
			curl_multi_remove_handle(m, c->h);
			curl_slist_free_all(c->rcpt);
			done++;
			if (started < n)
				start(m, c, started++);
		}
		if (done < n)
			curl_multi_poll(m, NULL, 0, 1000, NULL);
	}
	return 0;
}
