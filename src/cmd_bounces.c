/*
 * cmd_bounces.c: herald bounces, the members whose mail fails and why.
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bounce_state.h"
#include "cmd.h"
#include "list.h"
#include "util.h"

#define EVENTS_DEFAULT 50
#define INCIDENT_DAYS 30

struct show {
	int json;
	int n;
};

static void
date_text(int64_t at, char *out, size_t size)
{
	time_t t = (time_t)at;
	struct tm tm;

	if (str_copy(out, size, "-") < 0 || at <= 0 ||
	    localtime_r(&t, &tm) == NULL)
		return;
	strftime(out, size, "%Y-%m-%d %H:%M", &tm);
}

static void
json_opt_int(const char *name, int64_t v)
{
	if (v > 0)
		printf(", \"%s\": %lld", name, (long long)v);
	else
		printf(", \"%s\": null", name);
}

static void
row_json(const struct bounce_row *r, int first)
{
	printf("%s{\"address\": ", first ? "" : ",\n ");
	cli_json_str(stdout, r->m.address);
	printf(", \"score\": %.2f", r->score);
	json_opt_int("last_failure", r->s.last_at);
	printf(", \"kind\": ");
	cli_json_str(stdout, r->last_kind);
	printf(", \"reason\": ");
	cli_json_str(stdout, r->last_reason);
	printf(", \"status\": ");
	cli_json_str(stdout, r->last_status);
	printf(", \"diagnostic\": ");
	cli_json_str(stdout, r->last_diag);
	printf(", \"state\": \"%s\", \"disabled_by\": ",
	    r->m.delivery == DELIVERY_ENABLED ? "enabled" : "disabled");
	if (r->m.delivery == DELIVERY_ENABLED)
		printf("null");
	else
		cli_json_str(stdout, member_delivery_name(r->m.delivery));
	json_opt_int("disabled_at", r->disabled_at);
	printf(", \"notices\": %lld", (long long)r->notices);
	json_opt_int("next_notice", r->next_notice);
	printf("}");
}

static void
row_text(const struct bounce_row *r, int first)
{
	char last[32], next[32], state[96];

	if (first)
		printf("%-32s %5s  %-16s  %-4s  %-12s  %s\n", "ADDRESS",
		    "SCORE", "LAST FAILURE", "KIND", "REASON", "STATE");
	date_text(r->s.last_at, last, sizeof(last));
	date_text(r->next_notice, next, sizeof(next));
	if (r->m.delivery == DELIVERY_ENABLED)
		str_copy(state, sizeof(state), "enabled");
	else if (r->m.delivery == DELIVERY_OFF_BOUNCES)
		str_fmt(state, sizeof(state), "disabled (bounces), %lld "
		    "notice%s, next %s", (long long)r->notices,
		    r->notices == 1 ? "" : "s", next);
	else
		str_fmt(state, sizeof(state), "disabled (%s)",
		    member_delivery_name(r->m.delivery));
	printf("%-32s %5.1f  %-16s  %-4s  %-12s  %s\n", r->m.address,
	    r->score, last, r->last_kind[0] ? r->last_kind : "-",
	    r->last_reason[0] ? r->last_reason : "-", state);
	if (r->last_diag[0] != '\0')
		printf("%32s %s\n", "", r->last_diag);
}

static int
show_row(const struct bounce_row *r, void *arg)
{
	struct show *s = arg;

	if (s->json)
		row_json(r, s->n == 0);
	else
		row_text(r, s->n == 0);
	s->n++;
	return 0;
}

static void
event_json(const struct bounce_event_row *r, int first)
{
	printf("%s{\"id\": %lld, \"at\": %lld, \"address\": ",
	    first ? "" : ",\n ", (long long)r->id, (long long)r->at);
	cli_json_str(stdout, r->address);
	printf(", \"source\": \"%s\", \"event\": \"%s\", \"reason\": ",
	    r->source, r->event);
	cli_json_str(stdout, r->reason);
	printf(", \"status\": ");
	cli_json_str(stdout, r->status);
	printf(", \"diagnostic\": ");
	cli_json_str(stdout, r->diag);
	printf(", \"score\": %.2f}", r->score);
}

static int
show_event(const struct bounce_event_row *r, void *arg)
{
	struct show *s = arg;
	char at[32];

	if (s->json) {
		event_json(r, s->n++ == 0);
		return 0;
	}
	if (s->n++ == 0)
		printf("%-16s  %-32s %-6s %-10s %-16s %-8s %5s\n", "TIME",
		    "ADDRESS", "SOURCE", "EVENT", "REASON", "STATUS", "SCORE");
	date_text(r->at, at, sizeof(at));
	printf("%-16s  %-32s %-6s %-10s %-16s %-8s %5.1f\n", at, r->address,
	    r->source, r->event, r->reason[0] ? r->reason : "-",
	    r->status[0] ? r->status : "-", r->score);
	if (r->diag[0] != '\0')
		printf("%18s%s\n", "", r->diag);
	return 0;
}

static int
standing(struct ctx *c, const struct list *l, struct show *s,
    struct err *e)
{
	int64_t incidents;

	if (s->json)
		printf("[");
	if (bounce_state_foreach(c, l->id, show_row, s, e) < 0)
		return -1;
	if (s->json) {
		printf("]\n");
		return 0;
	}
	if (s->n == 0)
		printf("no member of %s@%s has a failed delivery on record\n",
		    l->name, l->domain);
	if (bounce_state_incidents(c, l->id, now_s() - INCIDENT_DAYS *
	    BOUNCE_DAY, &incidents, e) < 0)
		return -1;
	if (incidents > 0)
		printf("\n%lld refusal%s for the list's own sake (policy: "
		    "DMARC, blocklists, content) in %d days,\nnot counted "
		    "against members: herald bounces %s@%s --events\n",
		    (long long)incidents, incidents == 1 ? "" : "s",
		    INCIDENT_DAYS, l->name, l->domain);
	return 0;
}

static int
events(struct ctx *c, const struct list *l, int64_t limit, struct show *s,
    struct err *e)
{
	if (s->json)
		printf("[");
	if (bounce_state_events(c, l->id, limit, show_event, s, e) < 0)
		return -1;
	if (s->json)
		printf("]\n");
	else if (s->n == 0)
		printf("no bounce events for %s@%s\n", l->name, l->domain);
	return 0;
}

int
cmd_bounces(struct cli *cli, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "events", optional_argument, NULL, 'e' },
		{ NULL, 0, NULL, 0 }
	};
	struct show s = { 0 };
	int64_t limit = 0;
	struct ctx *c;
	struct list l;
	struct err e;
	int ch, rc;

	while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (ch == 'j')
			s.json = 1;
		else if (ch == 'e' && optarg == NULL)
			limit = EVENTS_DEFAULT;
		else if (ch != 'e' || parse_int64(optarg, 1, INT64_MAX,
		    &limit) < 0)
			return cli_usage(cli);
	}
	if (optind != argc - 1)
		return cli_usage(cli);
	if (cli_open(cli, 0, &c, &e) < 0)
		return cli_fail(cli, &e);
	rc = list_get(c->db, argv[optind], &l, &e);
	if (rc == 0 && limit > 0)
		rc = events(c, &l, limit, &s, &e);
	else if (rc == 0)
		rc = standing(c, &l, &s, &e);
	ctx_close(c);
	return rc < 0 ? cli_fail(cli, &e) : 0;
}
