/*
 * cmd_queue.c: herald queue, the posts on their way out.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "addr.h"
#include "cmd.h"
#include "util.h"

struct row {
	int64_t id, received, total, delivered, failed, waiting, retrying;
	int64_t next_try;
	double rate;
	char list[ADDR_MAX + 1];
	char state[16];
	char subject[256];
	char reason[256];
};

static const char sql_active[] =
	"SELECT p.id, l.name || '@' || l.domain, p.state, p.received, "
	"p.total, p.delivered, p.failed, "
	"(SELECT count(*) FROM delivery d WHERE d.post_id = p.id AND "
	"  d.attempts = 0), "
	"(SELECT count(*) FROM delivery d WHERE d.post_id = p.id AND "
	"  d.attempts > 0), "
	"max(p.next_try, coalesce((SELECT min(next_try) FROM delivery d "
	"  WHERE d.post_id = p.id), 0)), "
	"coalesce(p.subject, ''), coalesce(p.reason, ''), p.rate "
	"FROM post p JOIN list l ON l.id = p.list_id "
	"WHERE p.state IN ('new', 'sending') OR ? ORDER BY p.id";

static void
fill(struct db_stmt *st, struct row *r)
{
	r->id = db_col_int(st, 0);
	str_copy(r->list, sizeof(r->list), db_col_text(st, 1));
	str_copy(r->state, sizeof(r->state), db_col_text(st, 2));
	r->received = db_col_int(st, 3);
	r->total = db_col_int(st, 4);
	r->delivered = db_col_int(st, 5);
	r->failed = db_col_int(st, 6);
	r->waiting = db_col_int(st, 7);
	r->retrying = db_col_int(st, 8);
	r->next_try = db_col_int(st, 9);
	/* A subject cut mid-character is fine for a glance. */
	snprintf(r->subject, sizeof(r->subject), "%s", db_col_text(st, 10));
	snprintf(r->reason, sizeof(r->reason), "%s", db_col_text(st, 11));
	r->rate = db_col_double(st, 12);
}

/* "12s", "4m", "2h": how long the waiting copies take at the last rate. */
static void
eta(const struct row *r, char *out, size_t size)
{
	double s;

	if (r->rate <= 0 || r->waiting == 0) {
		str_copy(out, size, "-");
		return;
	}
	s = (double)r->waiting / r->rate;
	if (s < 100)
		snprintf(out, size, "%.0fs", s < 1 ? 1 : s);
	else if (s < 6000)
		snprintf(out, size, "%.0fm", s / 60);
	else
		snprintf(out, size, "%.0fh", s / 3600);
}

static void
print_text(const struct row *r, int first)
{
	char next[32] = "now", left[16];
	struct tm tm;
	time_t t = (time_t)r->next_try;
	int active = strcmp(r->state, "sending") == 0 ||
	    strcmp(r->state, "new") == 0;

	if (first)
		printf("%6s  %-28s %-9s %7s %7s %6s %7s %8s %7s %5s  %s\n",
		    "POST", "LIST", "STATE", "COPIES", "SENT", "FAILED",
		    "WAITING", "RETRYING", "RATE/s", "LEFT", "NEXT TRY");
	if (r->next_try > now_s()) {
		localtime_r(&t, &tm);
		strftime(next, sizeof(next), "%Y-%m-%d %H:%M", &tm);
	}
	eta(r, left, sizeof(left));
	printf("%6lld  %-28s %-9s %7lld %7lld %6lld %7lld %8lld %7.0f %5s  "
	    "%s\n", (long long)r->id, r->list, r->state, (long long)r->total,
	    (long long)r->delivered, (long long)r->failed,
	    (long long)r->waiting, (long long)r->retrying, r->rate,
	    active ? left : "-", active ? next : "-");
	if (r->reason[0] != '\0')
		printf("        (%s)\n", r->reason);
}

static void
print_json(const struct row *r, int first)
{
	printf("%s{\"post\": %lld, \"list\": ", first ? "" : ",\n ",
	    (long long)r->id);
	cli_json_str(stdout, r->list);
	printf(", \"state\": \"%s\", \"received\": %lld, \"copies\": %lld, "
	    "\"sent\": %lld, \"failed\": %lld, \"waiting\": %lld, "
	    "\"retrying\": %lld, \"next_try\": %lld, \"rate\": %.1f, "
	    "\"subject\": ", r->state,
	    (long long)r->received, (long long)r->total,
	    (long long)r->delivered, (long long)r->failed,
	    (long long)r->waiting, (long long)r->retrying,
	    (long long)r->next_try, r->rate);
	cli_json_str(stdout, r->subject);
	printf(", \"reason\": ");
	cli_json_str(stdout, r->reason);
	printf("}");
}

/* Herald's own mail waiting (outmail.h): a line, if there is any. */
static int
print_outmail(struct ctx *c, struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "SELECT count(*), "
	    "coalesce(sum(attempts > 0), 0) FROM outmail WHERE state = "
	    "'queued'", e);
	int64_t n, retrying;

	if (st == NULL || db_step(st, e) != 1)
		return -1;
	n = db_col_int(st, 0);
	retrying = db_col_int(st, 1);
	db_done(st);
	if (n > 0)
		printf("%lld message%s of Herald's own waiting (%lld "
		    "retrying)\n", (long long)n, n == 1 ? "" : "s",
		    (long long)retrying);
	return 0;
}

int
cmd_queue(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },
		{ NULL, 0, NULL, 0 }
	};
	struct db_stmt *st;
	struct ctx *c;
	struct row r;
	struct err e;
	int ch, json = 0, all = 0, n = 0, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'j')
			json = 1;
		else if (ch == 'a')
			all = 1;
		else
			return cli_usage(cli);
	}
	if (optind != argc)
		return cli_usage(cli);
	if (cli_open(cli, 0, &c, &e) < 0)
		return cli_fail(cli, &e);
	if ((st = db_prepare(c->db, sql_active, &e)) == NULL) {
		ctx_close(c);
		return cli_fail(cli, &e);
	}
	db_bind_int(st, 1, all);
	if (json)
		printf("[");
	while ((rc = db_step(st, &e)) == 1) {
		fill(st, &r);
		(json ? print_json : print_text)(&r, n++ == 0);
	}
	if (json)
		printf("]\n");
	else if (n == 0 && rc == 0)
		printf("no post is waiting to be delivered\n");
	if (rc == 0 && !json)
		rc = print_outmail(c, &e);
	rc = rc < 0 ? cli_fail(cli, &e) : 0;
	ctx_close(c);
	return rc;
}
