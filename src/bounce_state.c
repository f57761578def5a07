/*
 * bounce_state.c: what Herald does about failed deliveries.
 */
#include <string.h>

#include "bounce_dsn.h"
#include "bounce_notice.h"
#include "bounce_reason.h"
#include "bounce_scan.h"
#include "bounce_state.h"
#include "list.h"
#include "log.h"
#include "settings.h"
#include "util.h"

#define TICK_BATCH 64
/* A notice that cannot go now is looked at again this much later, so
 * that what is due never stays due (the engine runs until nothing is). */
#define TICK_RETRY_S 3600
#define TX_LOST 160

/* A member's row of bounce_member, with what is not in the score. */
struct standing {
	struct bounce_standing s;
	char kind[8];
	char reason[24];
	char status[BOUNCE_STATUS_MAX];
	char diag[BOUNCE_DIAG_MAX];
	int64_t disabled_at;
	int64_t notices;
	int64_t next_notice;		/* 0: none due */
};

/* What an event is about, for the record. */
struct event {
	const struct member *m;
	enum bounce_source source;
	const char *event;
	const char *reason;		/* may be NULL */
	const char *status;		/* may be NULL */
	const char *diag;		/* may be NULL */
	double score;
	int64_t at;
	int64_t post_id;
	int64_t inbound_id;
};

const char *
bounce_source_name(enum bounce_source s)
{
	static const char *const names[] = {
		[BOUNCE_SRC_SMTP] = "smtp",
		[BOUNCE_SRC_TOKEN] = "token",
		[BOUNCE_SRC_MATCH] = "match",
		[BOUNCE_SRC_REPLY] = "reply",
		[BOUNCE_SRC_ADMIN] = "admin",
		[BOUNCE_SRC_TIMER] = "timer",
	};

	if ((size_t)s >= sizeof(names) / sizeof(names[0]))
		return "other";
	return names[s];
}

/*
 * Savepoints make each change atomic inside whatever transaction the
 * caller holds (or none): the inbound handler's transaction records a
 * handler's failure as its result and commits, so half of a change must
 * never be left in it.
 */
static int
sp_begin(struct db *db, struct err *e)
{
	return db_exec(db, "SAVEPOINT bounce_state", e);
}

static int
sp_end(struct db *db, int rc, struct err *e)
{
	struct err ignored;

	if (rc == 0)
		return db_exec(db, "RELEASE bounce_state", e);
	db_exec(db, "ROLLBACK TO bounce_state", &ignored);
	db_exec(db, "RELEASE bounce_state", &ignored);
	return -1;
}

int
bounce_state_policy(struct db *db, int64_t list_id, struct bounce_policy *p,
    struct err *e)
{
	bounce_score_defaults(p);
	if (settings_get_bool(db, list_id, "bounce_processing", &p->enabled,
	    e) < 0 ||
	    settings_get_number(db, list_id, "bounce_score_threshold",
	    &p->threshold, e) < 0 ||
	    settings_get_number(db, list_id, "bounce_hard_score", &p->hard,
	    e) < 0 ||
	    settings_get_number(db, list_id, "bounce_soft_score", &p->soft,
	    e) < 0 ||
	    settings_get_int(db, list_id, "bounce_score_reset",
	    &p->reset_after, e) < 0 ||
	    settings_get_int(db, list_id, "bounce_notices", &p->notices,
	    e) < 0 ||
	    settings_get_int(db, list_id, "bounce_notice_interval",
	    &p->interval, e) < 0 ||
	    settings_get_bool(db, list_id, "bounce_notify_owner_disable",
	    &p->notify_disable, e) < 0 ||
	    settings_get_bool(db, list_id, "bounce_notify_owner_remove",
	    &p->notify_remove, e) < 0)
		return -1;
	return 0;
}

static void
copy_col(struct db_stmt *st, int col, char *out, size_t size)
{
	const char *v = db_col_text(st, col);

	/* Stored by us, within the sizes; a cut is harmless for display. */
	if (str_copy(out, size, v != NULL ? v : "") < 0)
		out[0] = '\0';
}

#define STANDING_COLUMNS "score, day, day_add, last_at, " \
	"coalesce(last_kind, ''), coalesce(last_reason, ''), " \
	"coalesce(last_status, ''), coalesce(last_diag, ''), " \
	"coalesce(disabled_at, 0), notices, coalesce(next_notice, 0)"

static void
fill_standing(struct db_stmt *st, int col, struct standing *s)
{
	s->s.score = db_col_double(st, col);
	s->s.day = db_col_int(st, col + 1);
	s->s.day_add = db_col_double(st, col + 2);
	s->s.last_at = db_col_int(st, col + 3);
	copy_col(st, col + 4, s->kind, sizeof(s->kind));
	copy_col(st, col + 5, s->reason, sizeof(s->reason));
	copy_col(st, col + 6, s->status, sizeof(s->status));
	copy_col(st, col + 7, s->diag, sizeof(s->diag));
	s->disabled_at = db_col_int(st, col + 8);
	s->notices = db_col_int(st, col + 9);
	s->next_notice = db_col_int(st, col + 10);
}

/* A member's standing; all zero if the member has none yet. */
static int
load_standing(struct db *db, int64_t member_id, struct standing *s,
    struct err *e)
{
	struct db_stmt *st = db_prepare(db, "SELECT " STANDING_COLUMNS
	    " FROM bounce_member WHERE member_id = ?", e);
	int rc;

	memset(s, 0, sizeof(*s));
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, member_id);
	if ((rc = db_step(st, e)) != 1)
		return rc;
	fill_standing(st, 0, s);
	db_done(st);
	return 0;
}

static void
bind_opt_int(struct db_stmt *st, int idx, int64_t v)
{
	if (v != 0)
		db_bind_int(st, idx, v);
}

static int
save_standing(struct db *db, int64_t member_id, const struct standing *s,
    struct err *e)
{
	struct db_stmt *st = db_prepare(db, "INSERT OR REPLACE INTO "
	    "bounce_member (member_id, score, day, day_add, last_at, "
	    "last_kind, last_reason, last_status, last_diag, disabled_at, "
	    "notices, next_notice) VALUES (?, ?, ?, ?, ?, nullif(?, ''), "
	    "nullif(?, ''), nullif(?, ''), nullif(?, ''), ?, ?, ?)", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, member_id);
	db_bind_double(st, 2, s->s.score);
	db_bind_int(st, 3, s->s.day);
	db_bind_double(st, 4, s->s.day_add);
	db_bind_int(st, 5, s->s.last_at);
	db_bind_text(st, 6, s->kind);
	db_bind_text(st, 7, s->reason);
	db_bind_text(st, 8, s->status);
	db_bind_text(st, 9, s->diag);
	bind_opt_int(st, 10, s->disabled_at);
	db_bind_int(st, 11, s->notices);
	bind_opt_int(st, 12, s->next_notice);
	return db_run(st, e);
}

static int
add_event(struct db *db, const struct event *ev, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "INSERT INTO bounce_event "
	    "(list_id, member_id, address, at, source, event, reason, status, "
	    "diag, score, post_id, inbound_id) VALUES (?, ?, ?, ?, ?, ?, "
	    "nullif(?, ''), nullif(?, ''), nullif(?, ''), ?, ?, ?)", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, ev->m->list_id);
	db_bind_int(st, 2, ev->m->id);
	db_bind_text(st, 3, ev->m->address);
	db_bind_int(st, 4, ev->at);
	db_bind_text(st, 5, bounce_source_name(ev->source));
	db_bind_text(st, 6, ev->event);
	db_bind_text(st, 7, ev->reason);
	db_bind_text(st, 8, ev->status);
	db_bind_text(st, 9, ev->diag);
	db_bind_double(st, 10, ev->score);
	bind_opt_int(st, 11, ev->post_id);
	bind_opt_int(st, 12, ev->inbound_id);
	return db_run(st, e);
}

/* An event that is an action of Herald's, not a report. */
static int
add_action(struct db *db, const struct member *m, enum bounce_source src,
    const char *event, const char *why, double score, int64_t at,
    struct err *e)
{
	struct event ev = { .m = m, .source = src, .event = event,
	    .reason = why, .score = score, .at = at };

	return add_event(db, &ev, e);
}

static void
evidence_of(const struct standing *s, const struct bounce_policy *p,
    struct bounce_evidence *ev)
{
	ev->reason = s->reason;
	ev->status = s->status;
	ev->diag = s->diag;
	ev->at = s->s.last_at;
	ev->score = s->s.score;
	ev->threshold = p->threshold;
	ev->remove_at = s->disabled_at > 0 ?
	    s->disabled_at + (p->notices + 1) * p->interval : 0;
}

/*
 * Past the threshold: delivery off, the member and the owners told.  The
 * source is the failure's that crossed the threshold.
 */
static int
disable_for_bounces(struct ctx *c, const struct list *l,
    const struct member *m, const struct bounce_policy *p,
    struct standing *s, const struct bounce_fact *f, struct err *e)
{
	struct bounce_evidence ev;
	int owners = 0;

	s->disabled_at = f->at;
	s->notices = 1;
	s->next_notice = f->at + p->interval;
	evidence_of(s, p, &ev);
	if (member_set_delivery(c->db, m->id, DELIVERY_OFF_BOUNCES, e) < 0 ||
	    save_standing(c->db, m->id, s, e) < 0 ||
	    add_action(c->db, m, f->source, "disabled", "bounces",
	    s->s.score, f->at, e) < 0 ||
	    bounce_notice_member(c, l, m, "bounce-disabled", &ev, e) < 0 ||
	    add_action(c->db, m, f->source, "notice", "bounce-disabled",
	    s->s.score, f->at, e) < 0)
		return -1;
	if (p->notify_disable && bounce_notice_owners(c, l, m,
	    "bounce-owner-disabled", &ev, &owners, e) < 0)
		return -1;
	log_info("%s@%s: delivery to %s disabled: bounce score %.1f, "
	    "last %s", l->name, l->domain, m->address, s->s.score, s->reason);
	return 0;
}

/* A failure that is the member's: it counts. */
static int
count_failure(struct ctx *c, const struct list *l, const struct member *m,
    const struct bounce_fact *f, char *what, struct err *e)
{
	const char *kind = bounce_kind_name(f->kind);
	struct bounce_policy p;
	struct standing s;
	struct event ev = { .m = m, .source = f->source, .event = kind,
	    .reason = bounce_reason_name(f->reason), .status = f->status,
	    .diag = f->diag, .at = f->at, .post_id = f->post_id,
	    .inbound_id = f->inbound_id };
	double added;

	if (bounce_state_policy(c->db, l->id, &p, e) < 0 ||
	    load_standing(c->db, m->id, &s, e) < 0)
		return -1;
	added = bounce_score_add(&p, &s.s, f->kind, f->at);
	str_copy(s.kind, sizeof(s.kind), kind);
	str_copy(s.reason, sizeof(s.reason), ev.reason);
	if (str_copy(s.status, sizeof(s.status), f->status) < 0 ||
	    str_copy(s.diag, sizeof(s.diag), f->diag) < 0)
		return err_set(e, ERR_INTERNAL, "evidence too long");
	ev.score = s.s.score;
	if (save_standing(c->db, m->id, &s, e) < 0 ||
	    add_event(c->db, &ev, e) < 0)
		return -1;
	str_fmt(what, BOUNCE_WHAT_MAX, "%s failure (%s) of %s: score %.1f "
	    "of %.1f%s", kind, ev.reason, m->address, s.s.score, p.threshold,
	    added > 0 ? "" : " (counted today already)");
	if (!p.enabled || m->delivery != DELIVERY_ENABLED || s.s.score <= 0 ||
	    !bounce_score_over(&p, s.s.score))
		return 0;
	if (disable_for_bounces(c, l, m, &p, &s, f, e) < 0)
		return -1;
	str_fmt(what, BOUNCE_WHAT_MAX, "%s failure (%s) of %s: score %.1f: "
	    "delivery disabled", kind, ev.reason, m->address, s.s.score);
	return 0;
}

/* The sending side's fault: an incident of the list, not counted. */
static int
list_incident(struct ctx *c, const struct member *m,
    const struct bounce_fact *f, char *what, struct err *e)
{
	struct standing s;
	struct event ev = { .m = m, .source = f->source, .event = "policy",
	    .reason = bounce_reason_name(f->reason), .status = f->status,
	    .diag = f->diag, .at = f->at, .post_id = f->post_id,
	    .inbound_id = f->inbound_id };

	if (load_standing(c->db, m->id, &s, e) < 0)
		return -1;
	ev.score = s.s.score;
	str_fmt(what, BOUNCE_WHAT_MAX, "policy refusal (%s) of the list's "
	    "mail to %s: a list incident, not counted", f->status, m->address);
	return add_event(c->db, &ev, e);
}

/*
 * A complaint: the member does not want this mail, so none goes out to
 * the member, not even a notice; the owners are told.
 */
static int
complaint(struct ctx *c, const struct list *l, const struct member *m,
    const struct bounce_fact *f, char *what, struct err *e)
{
	struct bounce_evidence ev = { .reason = "", .status = "",
	    .diag = f->diag, .at = f->at };
	struct event rec = { .m = m, .source = f->source,
	    .event = "complaint", .diag = f->diag, .at = f->at,
	    .post_id = f->post_id, .inbound_id = f->inbound_id };
	struct standing s;
	int owners;

	if (load_standing(c->db, m->id, &s, e) < 0)
		return -1;
	rec.score = ev.score = s.s.score;
	if (add_event(c->db, &rec, e) < 0)
		return -1;
	str_fmt(what, BOUNCE_WHAT_MAX, "complaint from %s", m->address);
	if (m->delivery == DELIVERY_OFF_COMPLAINT ||
	    m->delivery == DELIVERY_OFF_ADMIN)
		return 0;
	s.next_notice = 0;
	if (s.disabled_at == 0)
		s.disabled_at = f->at;
	if (member_set_delivery(c->db, m->id, DELIVERY_OFF_COMPLAINT, e) < 0 ||
	    save_standing(c->db, m->id, &s, e) < 0 ||
	    add_action(c->db, m, f->source, "disabled", "complaint",
	    s.s.score, f->at, e) < 0 ||
	    bounce_notice_owners(c, l, m, "bounce-owner-complaint", &ev,
	    &owners, e) < 0)
		return -1;
	log_info("%s@%s: delivery to %s disabled: the member complained",
	    l->name, l->domain, m->address);
	str_fmt(what, BOUNCE_WHAT_MAX, "complaint from %s: delivery "
	    "disabled, %d owner%s told", m->address, owners,
	    owners == 1 ? "" : "s");
	return 0;
}

/* A delay, an auto-reply, a success report ...: recorded, nothing more. */
static int
note(struct ctx *c, const struct member *m, const struct bounce_fact *f,
    const char *event, char *what, struct err *e)
{
	struct standing s;
	struct event ev = { .m = m, .source = f->source, .event = event,
	    .status = f->status, .diag = f->diag, .at = f->at,
	    .post_id = f->post_id, .inbound_id = f->inbound_id };

	if (load_standing(c->db, m->id, &s, e) < 0)
		return -1;
	ev.score = s.s.score;
	str_fmt(what, BOUNCE_WHAT_MAX, "%s for %s: nothing to do", event,
	    m->address);
	return add_event(c->db, &ev, e);
}

static int
dispatch(struct ctx *c, const struct list *l, const struct member *m,
    const struct bounce_fact *f, char *what, struct err *e)
{
	if (f->cls == BOUNCE_CLASS_COMPLAINT)
		return complaint(c, l, m, f, what, e);
	if (f->cls != BOUNCE_CLASS_FAILURE)
		return note(c, m, f, bounce_class_name(f->cls), what, e);
	if (f->kind == BOUNCE_NONE)
		return note(c, m, f, "other", what, e);
	if (f->reason == BOUNCE_REASON_POLICY)
		return list_incident(c, m, f, what, e);
	return count_failure(c, l, m, f, what, e);
}

/* The member and its list; 0 if the member is gone, 1 if found. */
static int
load_member(struct ctx *c, int64_t id, struct member *m, struct list *l,
    struct err *e)
{
	if (member_get_id(c->db, id, m, e) < 0)
		return e->cls == ERR_NOTFOUND ? 0 : -1;
	if (list_get_id(c->db, m->list_id, l, e) < 0)
		return -1;
	return 1;
}

int
bounce_state_record(struct ctx *c, const struct bounce_fact *f, char *what,
    struct err *e)
{
	struct member m;
	struct list l;
	int rc;

	if (sp_begin(c->db, e) < 0)
		return -1;
	rc = load_member(c, f->member_id, &m, &l, e);
	if (rc == 0)
		str_fmt(what, BOUNCE_WHAT_MAX, "member %lld is gone",
		    (long long)f->member_id);
	if (rc == 1)
		rc = dispatch(c, &l, &m, f, what, e);
	return sp_end(c->db, rc < 0 ? -1 : 0, e);
}

int
bounce_state_smtp(struct ctx *c, int64_t member_id, int64_t post_id,
    int code, const char *text, int permanent, struct err *e)
{
	char status[BOUNCE_STATUS_MAX], diag[BOUNCE_DIAG_MAX], lost[TX_LOST];
	char what[BOUNCE_WHAT_MAX], code_s[16];
	size_t len = strlen(text);
	struct bounce_fact f = {
		.member_id = member_id, .source = BOUNCE_SRC_SMTP,
		.cls = BOUNCE_CLASS_FAILURE, .status = status, .diag = diag,
		.at = now_s(), .post_id = post_id,
		.kind = permanent ? BOUNCE_HARD : BOUNCE_SOFT,
	};
	int own;

	/*
	 * The text is evidence only if it is the reply that refused the
	 * copy (the SMTP adapter keeps that one); a text that does not
	 * start with the code, from some other path, tells nothing, and
	 * then only the code does.
	 */
	str_fmt(code_s, sizeof(code_s), "%d", code);
	own = code > 0 && strncmp(text, code_s, 3) == 0;
	if (!own) {
		str_fmt(lost, sizeof(lost), "(the reply was not kept; the "
		    "last line was: %.100s)", text);
		text = lost;
		len = strlen(lost);
	}
	if (!own || !bounce_scan_dsn_code(text, len, status, sizeof(status)))
		str_copy(status, sizeof(status), code_s);
	bounce_dsn_set_diag(diag, text, len);
	f.reason = bounce_reason_of(status, own ? text : "", own ? len : 0);
	/* A 4xx the relay kept giving until the copy was given up. */
	if (!permanent && f.reason == BOUNCE_REASON_OTHER)
		f.reason = BOUNCE_REASON_EXPIRED;
	return bounce_state_record(c, &f, what, e);
}

/* Delivery on again, the score from 0; the record of failures stays. */
static int
enable(struct ctx *c, const struct member *m, enum bounce_source src,
    int64_t at, struct err *e)
{
	struct standing s;

	if (load_standing(c->db, m->id, &s, e) < 0)
		return -1;
	s.s.score = 0;
	s.s.day = 0;
	s.s.day_add = 0;
	s.disabled_at = 0;
	s.notices = 0;
	s.next_notice = 0;
	if (member_set_delivery(c->db, m->id, DELIVERY_ENABLED, e) < 0 ||
	    save_standing(c->db, m->id, &s, e) < 0 ||
	    add_action(c->db, m, src, "enabled",
	    member_delivery_name(m->delivery), 0, at, e) < 0)
		return -1;
	return 0;
}

static int
reply(struct ctx *c, const struct list *l, const struct member *m,
    int64_t inbound_id, const char *automatic, char *what, struct err *e)
{
	struct bounce_evidence ev = { .reason = "", .status = "",
	    .diag = "" };
	struct event rec = { .m = m, .source = BOUNCE_SRC_REPLY,
	    .event = "autoreply", .at = now_s(), .inbound_id = inbound_id };

	/* An auto-responder answering the notice is no one's decision. */
	if (automatic != NULL) {
		str_fmt(what, BOUNCE_WHAT_MAX, "automatic answer to a notice "
		    "to %s, ignored: %s", m->address, automatic);
		return add_event(c->db, &rec, e);
	}
	if (m->delivery != DELIVERY_OFF_BOUNCES) {
		str_fmt(what, BOUNCE_WHAT_MAX, "answer from %s to a notice: "
		    "delivery is %s%s, left so", m->address,
		    m->delivery == DELIVERY_ENABLED ? "" : "disabled by ",
		    member_delivery_name(m->delivery));
		return 0;
	}
	if (enable(c, m, BOUNCE_SRC_REPLY, rec.at, e) < 0 ||
	    bounce_notice_member(c, l, m, "bounce-enabled", &ev, e) < 0)
		return -1;
	log_info("%s@%s: delivery to %s enabled: the member answered",
	    l->name, l->domain, m->address);
	str_fmt(what, BOUNCE_WHAT_MAX, "answer from %s to a notice: "
	    "delivery enabled", m->address);
	return 0;
}

int
bounce_state_reply(struct ctx *c, int64_t member_id, int64_t inbound_id,
    const char *automatic, char *what, struct err *e)
{
	struct member m;
	struct list l;
	int rc;

	if (sp_begin(c->db, e) < 0)
		return -1;
	rc = load_member(c, member_id, &m, &l, e);
	if (rc == 0)
		str_fmt(what, BOUNCE_WHAT_MAX, "member %lld is gone",
		    (long long)member_id);
	if (rc == 1)
		rc = reply(c, &l, &m, inbound_id, automatic, what, e);
	return sp_end(c->db, rc < 0 ? -1 : 0, e);
}

static int
admin_change(struct ctx *c, int64_t member_id, int on, struct err *e)
{
	struct standing s;
	struct member m;
	struct list l;
	int rc;

	if ((rc = load_member(c, member_id, &m, &l, e)) <= 0)
		return rc < 0 ? -1 : err_set(e, ERR_NOTFOUND, "not a member");
	if (on && m.delivery == DELIVERY_ENABLED)
		return err_set(e, ERR_EXISTS, "delivery is enabled already");
	if (on)
		return enable(c, &m, BOUNCE_SRC_ADMIN, now_s(), e);
	if (m.delivery == DELIVERY_OFF_ADMIN)
		return err_set(e, ERR_EXISTS, "delivery is disabled already");
	/* The administrator's decision stops notices and removal. */
	if (load_standing(c->db, m.id, &s, e) < 0)
		return -1;
	s.next_notice = 0;
	if (s.disabled_at == 0)
		s.disabled_at = now_s();
	if (member_set_delivery(c->db, m.id, DELIVERY_OFF_ADMIN, e) < 0 ||
	    save_standing(c->db, m.id, &s, e) < 0)
		return -1;
	return add_action(c->db, &m, BOUNCE_SRC_ADMIN, "disabled", "admin",
	    s.s.score, now_s(), e);
}

int
bounce_state_enable(struct ctx *c, int64_t member_id, struct err *e)
{
	if (sp_begin(c->db, e) < 0)
		return -1;
	return sp_end(c->db, admin_change(c, member_id, 1, e), e);
}

int
bounce_state_disable(struct ctx *c, int64_t member_id, struct err *e)
{
	if (sp_begin(c->db, e) < 0)
		return -1;
	return sp_end(c->db, admin_change(c, member_id, 0, e), e);
}

/*
 * The periodic part.
 */

/* The last notice had its time: the member goes, the owners are told. */
static int
remove_member(struct ctx *c, const struct list *l, const struct member *m,
    const struct bounce_policy *p, const struct standing *s, int64_t now,
    struct err *e)
{
	struct bounce_evidence ev;
	int owners = 0;

	evidence_of(s, p, &ev);
	if (add_action(c->db, m, BOUNCE_SRC_TIMER, "removed", "bounces",
	    s->s.score, now, e) < 0)
		return -1;
	if (p->notify_remove && bounce_notice_owners(c, l, m,
	    "bounce-owner-removed", &ev, &owners, e) < 0)
		return -1;
	if (member_remove(c->db, l->id, m->address, e) < 0)
		return -1;
	log_info("%s@%s: %s removed after %lld notices about bounces",
	    l->name, l->domain, m->address, (long long)s->notices);
	return 0;
}

static int
next_notice(struct ctx *c, const struct list *l, const struct member *m,
    const struct bounce_policy *p, struct standing *s, int64_t now,
    struct err *e)
{
	struct bounce_evidence ev;

	s->notices++;
	s->next_notice = now + p->interval;
	evidence_of(s, p, &ev);
	if (bounce_notice_member(c, l, m, "bounce-disabled", &ev, e) < 0 ||
	    save_standing(c->db, m->id, s, e) < 0)
		return -1;
	return add_action(c->db, m, BOUNCE_SRC_TIMER, "notice",
	    "bounce-disabled", s->s.score, now, e);
}

/* One member whose next notice is due, in a transaction of its own. */
static int
postpone(struct db *db, int64_t member_id, int64_t until, struct err *e)
{
	struct db_stmt *st = db_prepare(db, "UPDATE bounce_member SET "
	    "next_notice = ? WHERE member_id = ?", e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, until);
	db_bind_int(st, 2, member_id);
	return db_run(st, e);
}

static int
tick_one(struct ctx *c, int64_t member_id, int64_t now, struct err *e)
{
	struct bounce_policy p;
	struct standing s;
	struct member m;
	struct list l;
	int rc;

	if (db_begin(c->db, e) < 0)
		return -1;
	rc = load_member(c, member_id, &m, &l, e);
	if (rc == 1)
		rc = bounce_state_policy(c->db, l.id, &p, e) < 0 ||
		    load_standing(c->db, m.id, &s, e) < 0 ? -1 : 1;
	/* Re-read under the lock: an answer may have come meanwhile.
	 * With bounce processing off, the member waits as it is. */
	if (rc == 1 && m.delivery == DELIVERY_OFF_BOUNCES &&
	    s.next_notice != 0 && s.next_notice <= now) {
		if (!p.enabled)
			rc = postpone(c->db, m.id, now + TICK_RETRY_S, e);
		else if (s.notices - 1 < p.notices)
			rc = next_notice(c, &l, &m, &p, &s, now, e);
		else
			rc = remove_member(c, &l, &m, &p, &s, now, e);
	}
	if (rc < 0) {
		db_rollback(c->db);
		return -1;
	}
	return db_commit(c->db, e);
}

/* Up to TICK_BATCH members with a notice due, after member id after. */
static int
due(struct ctx *c, int64_t now, int64_t after, int64_t *ids, int *n,
    struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "SELECT b.member_id FROM "
	    "bounce_member b JOIN member m ON m.id = b.member_id WHERE "
	    "b.next_notice <= ? AND m.disabled = 'bounces' AND "
	    "b.member_id > ? ORDER BY b.member_id LIMIT ?", e);
	int rc;

	*n = 0;
	if (st == NULL)
		return -1;
	db_bind_int(st, 1, now);
	db_bind_int(st, 2, after);
	db_bind_int(st, 3, TICK_BATCH);
	while ((rc = db_step(st, e)) == 1)
		ids[(*n)++] = db_col_int(st, 0);
	return rc;
}

int
bounce_state_tick_at(struct ctx *c, int64_t now, struct err *e)
{
	int64_t ids[TICK_BATCH], after = 0;
	char esc[LOG_ESC_MAX];
	int i, n;

	do {
		if (due(c, now, after, ids, &n, e) < 0)
			return -1;
		for (i = 0; i < n; i++) {
			if (tick_one(c, ids[i], now, e) == 0)
				continue;
			if (e->cls == ERR_TEMP)
				return err_prefix(e, "bounce notices");
			/* A list's broken template must not stop the
			 * delivery engine: the member waits, and the
			 * warning comes back hourly until it is fixed. */
			log_warning("member %lld: bounce notice: %s",
			    (long long)ids[i], log_esc(esc, sizeof(esc),
			    e->msg));
			if (postpone(c->db, ids[i], now + TICK_RETRY_S, e) < 0)
				return -1;
		}
		if (n > 0)
			after = ids[n - 1];
	} while (n == TICK_BATCH);
	return 0;
}

int
bounce_state_tick(struct ctx *c, struct err *e)
{
	return bounce_state_tick_at(c, now_s(), e);
}

/*
 * What herald bounces shows.
 */

int
bounce_state_foreach(struct ctx *c, int64_t list_id,
    int (*fn)(const struct bounce_row *r, void *arg), void *arg,
    struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "SELECT m.address, m.id, "
	    "coalesce(m.disabled, 'enabled'), " STANDING_COLUMNS " FROM "
	    "member m LEFT JOIN bounce_member b ON b.member_id = m.id WHERE "
	    "m.list_id = ? AND (b.member_id IS NOT NULL OR m.disabled IS NOT "
	    "NULL) ORDER BY m.addr_key", e);
	struct bounce_policy p;
	struct standing s;
	struct bounce_row r;
	int64_t now = now_s();
	int rc;

	if (st == NULL || bounce_state_policy(c->db, list_id, &p, e) < 0)
		return -1;
	db_bind_int(st, 1, list_id);
	while ((rc = db_step(st, e)) == 1) {
		memset(&r, 0, sizeof(r));
		copy_col(st, 0, r.m.address, sizeof(r.m.address));
		r.m.id = db_col_int(st, 1);
		r.m.list_id = list_id;
		member_delivery_parse(db_col_text(st, 2), &r.m.delivery);
		fill_standing(st, 3, &s);
		r.s = s.s;
		memcpy(r.last_kind, s.kind, sizeof(r.last_kind));
		memcpy(r.last_reason, s.reason, sizeof(r.last_reason));
		memcpy(r.last_status, s.status, sizeof(r.last_status));
		memcpy(r.last_diag, s.diag, sizeof(r.last_diag));
		r.disabled_at = s.disabled_at;
		r.notices = s.notices;
		r.next_notice = s.next_notice;
		r.score = bounce_score_at(&p, &s.s, now);
		if (fn(&r, arg) < 0) {
			db_done(st);
			return -1;
		}
	}
	return rc;
}

int
bounce_state_events(struct ctx *c, int64_t list_id, int64_t limit,
    int (*fn)(const struct bounce_event_row *r, void *arg), void *arg,
    struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "SELECT * FROM (SELECT id, at, "
	    "address, source, event, coalesce(reason, ''), coalesce(status, "
	    "''), coalesce(diag, ''), coalesce(score, 0) FROM bounce_event "
	    "WHERE list_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id", e);
	struct bounce_event_row r;
	int rc;

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	db_bind_int(st, 2, limit);
	while ((rc = db_step(st, e)) == 1) {
		r.id = db_col_int(st, 0);
		r.at = db_col_int(st, 1);
		copy_col(st, 2, r.address, sizeof(r.address));
		copy_col(st, 3, r.source, sizeof(r.source));
		copy_col(st, 4, r.event, sizeof(r.event));
		copy_col(st, 5, r.reason, sizeof(r.reason));
		copy_col(st, 6, r.status, sizeof(r.status));
		copy_col(st, 7, r.diag, sizeof(r.diag));
		r.score = db_col_double(st, 8);
		if (fn(&r, arg) < 0) {
			db_done(st);
			return -1;
		}
	}
	return rc;
}

int
bounce_state_incidents(struct ctx *c, int64_t list_id, int64_t since,
    int64_t *n, struct err *e)
{
	struct db_stmt *st = db_prepare(c->db, "SELECT count(*) FROM "
	    "bounce_event WHERE list_id = ? AND at >= ? AND event = 'policy'",
	    e);

	if (st == NULL)
		return -1;
	db_bind_int(st, 1, list_id);
	db_bind_int(st, 2, since);
	if (db_step(st, e) != 1)
		return -1;
	*n = db_col_int(st, 0);
	db_done(st);
	return 0;
}
