/*
 * schema.c: the database schema and its forward migrations.
 *
 * Never edit a migration that has shipped; add a new one at the end.
 */
#include "schema.h"
#include "util.h"

static const char *const migrations[] = {
	/* 1: lists, members, posts and their delivery. */
	"CREATE TABLE list ("
	"  id INTEGER PRIMARY KEY,"
	"  name TEXT NOT NULL,"			/* lower case */
	"  domain TEXT NOT NULL,"		/* lower case */
	"  created INTEGER NOT NULL,"
	"  UNIQUE (name, domain));"

	/* Per-list settings; list_settings.c knows the keys and defaults. */
	"CREATE TABLE list_setting ("
	"  list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	"  key TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  PRIMARY KEY (list_id, key)) WITHOUT ROWID;"

	/* Ids are never reused: tokens in addresses name members by id. */
	"CREATE TABLE member ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	"  address TEXT NOT NULL,"		/* as given */
	"  addr_key TEXT NOT NULL,"		/* see addr.h */
	"  name TEXT,"
	"  mode TEXT NOT NULL DEFAULT 'normal'"
	"    CHECK (mode IN ('normal', 'nomail')),"
	"  created INTEGER NOT NULL,"
	"  UNIQUE (list_id, addr_key));"

	/* Owners and moderators need not be members. */
	"CREATE TABLE role ("
	"  list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	"  address TEXT NOT NULL,"
	"  addr_key TEXT NOT NULL,"
	"  role TEXT NOT NULL CHECK (role IN ('owner', 'moderator')),"
	"  PRIMARY KEY (list_id, role, addr_key)) WITHOUT ROWID;"

	/*
	 * A post is stored once, as received (spool) and as list mail
	 * (rendered, with split the offset where per-member header fields
	 * go).  state: new (stored, not yet examined), sending, done,
	 * discarded (loop or own bounce; reason says why), held.
	 */
	"CREATE TABLE post ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	"  received INTEGER NOT NULL,"
	"  sender TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  spool TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'new' CHECK (state IN"
	"    ('new', 'sending', 'done', 'discarded', 'held')),"
	"  reason TEXT,"
	"  message_id TEXT,"
	"  subject TEXT,"
	"  rendered TEXT,"
	"  split INTEGER,"
	"  total INTEGER NOT NULL DEFAULT 0,"
	"  delivered INTEGER NOT NULL DEFAULT 0,"
	"  failed INTEGER NOT NULL DEFAULT 0,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"	/* relay failures */
	"  next_try INTEGER NOT NULL DEFAULT 0,"
	"  started INTEGER,"
	"  finished INTEGER);"
	"CREATE INDEX post_state ON post (state, next_try);"
	"CREATE INDEX post_spool ON post (spool);"

	/*
	 * The copies of a post still to be sent: a row per member, made
	 * when the post is accepted and deleted once the copy is accepted
	 * by the relay or has failed for good.  Members who leave meanwhile
	 * take their rows with them.
	 */
	"CREATE TABLE delivery ("
	"  post_id INTEGER NOT NULL REFERENCES post(id) ON DELETE CASCADE,"
	"  member_id INTEGER NOT NULL REFERENCES member(id)"
	"    ON DELETE CASCADE,"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_try INTEGER NOT NULL DEFAULT 0,"
	"  first_failure INTEGER,"
	"  last_code INTEGER,"
	"  last_text TEXT,"
	"  PRIMARY KEY (post_id, member_id)) WITHOUT ROWID;"
	"CREATE INDEX delivery_member ON delivery (member_id);"

	/*
	 * Failed copies, with the evidence: what bounce processing
	 * builds on.  kind: hard (permanent) or soft (gave up retrying).
	 */
	"CREATE TABLE failure ("
	"  id INTEGER PRIMARY KEY,"
	"  member_id INTEGER NOT NULL REFERENCES member(id)"
	"    ON DELETE CASCADE,"
	"  post_id INTEGER REFERENCES post(id) ON DELETE SET NULL,"
	"  at INTEGER NOT NULL,"
	"  kind TEXT NOT NULL CHECK (kind IN ('hard', 'soft')),"
	"  source TEXT NOT NULL,"
	"  code INTEGER,"
	"  text TEXT);"
	"CREATE INDEX failure_member ON failure (member_id, at);"
	"CREATE INDEX failure_post ON failure (post_id);",

	/*
	 * 2: mail to the service addresses, Herald's own mail, templates.
	 *
	 * inbound: a message to NAME-request@, -join@, -leave@, -confirm@,
	 * -owner@ or -bounces@, stored as received (spool, like a post)
	 * until its handler has run; result says what was done.
	 */
	"CREATE TABLE inbound ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	"  role TEXT NOT NULL,"
	"  arg TEXT NOT NULL DEFAULT '',"
	"  received INTEGER NOT NULL,"
	"  sender TEXT NOT NULL,"
	"  size INTEGER NOT NULL,"
	"  spool TEXT NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'new'"
	"    CHECK (state IN ('new', 'done')),"
	"  result TEXT);"
	"CREATE INDEX inbound_state ON inbound (state);"
	"CREATE INDEX inbound_spool ON inbound (spool);"

	/*
	 * outmail: one message Herald itself sends to one address (a
	 * confirmation request, a notice, owner mail passed on), already
	 * rendered in the spool.  Rows stay after sending, as a record.
	 */
	"CREATE TABLE outmail ("
	"  id INTEGER PRIMARY KEY AUTOINCREMENT,"
	"  list_id INTEGER REFERENCES list(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL,"
	"  rcpt TEXT NOT NULL,"
	"  mailbox TEXT NOT NULL,"	/* addr_mailbox_key of rcpt */
	"  sender TEXT NOT NULL,"	/* envelope sender; '' = <> */
	"  spool TEXT NOT NULL,"
	"  created INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'queued'"
	"    CHECK (state IN ('queued', 'sent', 'failed')),"
	"  attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_try INTEGER NOT NULL DEFAULT 0,"
	"  first_failure INTEGER,"
	"  last_code INTEGER,"
	"  last_text TEXT);"
	"CREATE INDEX outmail_due ON outmail (state, next_try);"
	"CREATE INDEX outmail_mailbox ON outmail (list_id, mailbox, kind, "
	"  created);"
	"CREATE INDEX outmail_spool ON outmail (spool);"

	/* A list's own wording of a template (template.h). */
	"CREATE TABLE list_template ("
	"  list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  text TEXT NOT NULL,"
	"  PRIMARY KEY (list_id, name)) WITHOUT ROWID;",

	/* 3: the delivery rate of a post's last run, for herald queue. */
	"ALTER TABLE post ADD COLUMN rate REAL NOT NULL DEFAULT 0;",

	/* 4: members' attributes, for personalised announcements. */
	"CREATE TABLE member_attr ("
	"  member_id INTEGER NOT NULL REFERENCES member(id)"
	"    ON DELETE CASCADE,"
	"  name TEXT NOT NULL,"
	"  value TEXT NOT NULL,"
	"  PRIMARY KEY (member_id, name)) WITHOUT ROWID;"
	"CREATE INDEX member_attr_name ON member_attr (name);"
	/* Whether each copy of a post is rendered for its member. */
	"ALTER TABLE post ADD COLUMN personal INTEGER NOT NULL DEFAULT 0;",

	/*
	 * 5: who may post, moderation, DMARC.
	 *
	 * poster_rule: per-list accept and deny patterns, a whole address
	 * or "@domain" (policy.h).
	 */
	"CREATE TABLE poster_rule ("
	"  list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	"  kind TEXT NOT NULL CHECK (kind IN ('accept', 'deny')),"
	"  pattern TEXT NOT NULL,"		/* normalised, lower case */
	"  created INTEGER NOT NULL,"
	"  PRIMARY KEY (list_id, kind, pattern)) WITHOUT ROWID;"

	/*
	 * held: a post waiting for a moderator (the post itself stays in
	 * the spool, whole).  token_hash is the SHA-256 of the token in the
	 * moderators' reply address, so that the database alone cannot
	 * approve anything.  state: waiting, then approved, rejected,
	 * discarded or expired.  notify: whether the poster may be told
	 * (never for automatic mail or the list's own addresses).
	 */
	"CREATE TABLE held ("
	"  post_id INTEGER PRIMARY KEY REFERENCES post(id) ON DELETE CASCADE,"
	"  list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	"  token_hash TEXT NOT NULL UNIQUE,"
	"  poster TEXT NOT NULL,"		/* From addr-spec, or '' */
	"  reason TEXT NOT NULL,"
	"  notify INTEGER NOT NULL,"
	"  held_at INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL,"
	"  state TEXT NOT NULL DEFAULT 'waiting' CHECK (state IN"
	"    ('waiting', 'approved', 'rejected', 'discarded', 'expired')),"
	"  decided_by TEXT,"
	"  decided_at INTEGER);"
	"CREATE INDEX held_state ON held (list_id, state, expires);"

	/*
	 * The same post (Message-ID and content digest) arriving twice in a
	 * day is distributed once.
	 */
	"ALTER TABLE post ADD COLUMN digest TEXT;"
	"CREATE INDEX post_digest ON post (list_id, digest);"

	/* A member who is addressed in To or Cc may skip the list copy. */
	"ALTER TABLE member ADD COLUMN skip_if_addressed INTEGER NOT NULL "
	"  DEFAULT 0;"

	/* DMARC policies looked up in DNS, kept until expires. */
	"CREATE TABLE dmarc_cache ("
	"  domain TEXT PRIMARY KEY,"
	"  policy TEXT NOT NULL,"		/* none, quarantine, reject */
	"  expires INTEGER NOT NULL) WITHOUT ROWID;",

	/*
	 * 6: subscribing and unsubscribing by mail, one-click unsubscribe.
	 *
	 * unsub_epoch goes into the MAC of the member's unsubscribe token
	 * (token.h); raising it revokes every link the member was sent.
	 */
	"ALTER TABLE member ADD COLUMN unsub_epoch INTEGER NOT NULL "
	"  DEFAULT 0;"

	/*
	 * pending: a confirmation request not yet answered.  The token is
	 * kept only as its SHA-256 digest; a row is deleted when it is
	 * used, cancelled or found expired, so a token works once.  One
	 * open request per address and action: a new one replaces it.
	 */
	"CREATE TABLE pending ("
	"  id INTEGER PRIMARY KEY,"
	"  list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	"  action TEXT NOT NULL"
	"    CHECK (action IN ('subscribe', 'unsubscribe')),"
	"  address TEXT NOT NULL,"
	"  addr_key TEXT NOT NULL,"
	"  name TEXT,"
	"  origin TEXT NOT NULL,"		/* 'mail' or 'invite' */
	"  digest TEXT NOT NULL UNIQUE,"
	"  created INTEGER NOT NULL,"
	"  expires INTEGER NOT NULL,"
	"  UNIQUE (list_id, addr_key, action));"
	"CREATE INDEX pending_expires ON pending (expires);",

	/*
	 * 7: bounce processing (bounce_state.h).
	 *
	 * member.disabled: why delivery to a member is off while the member
	 * stays subscribed; NULL while it is on.  bounces: the score passed
	 * the list's threshold; complaint: the member reported list mail as
	 * spam; admin: herald member disable.
	 */
	"ALTER TABLE member ADD COLUMN disabled TEXT"
	"  CHECK (disabled IN ('bounces', 'complaint', 'admin'));"

	/*
	 * A member's bounce score, made of at most one increment a UTC day
	 * (day, day_add), and the notices sent since delivery was disabled.
	 */
	"CREATE TABLE bounce_member ("
	"  member_id INTEGER PRIMARY KEY REFERENCES member(id)"
	"    ON DELETE CASCADE,"
	"  score REAL NOT NULL DEFAULT 0,"
	"  day INTEGER NOT NULL DEFAULT 0,"	/* epoch seconds / 86400 */
	"  day_add REAL NOT NULL DEFAULT 0,"
	"  last_at INTEGER NOT NULL DEFAULT 0,"	/* last failure counted */
	"  last_kind TEXT,"
	"  last_reason TEXT,"
	"  last_status TEXT,"
	"  last_diag TEXT,"
	"  disabled_at INTEGER,"
	"  notices INTEGER NOT NULL DEFAULT 0,"
	"  next_notice INTEGER);"			/* NULL: none due */
	"CREATE INDEX bounce_member_due ON bounce_member (next_notice)"
	"  WHERE next_notice IS NOT NULL;"

	/*
	 * The record: one row per event, with its evidence.  event: hard,
	 * soft, policy (the sending side's fault: a list incident, not
	 * counted), complaint, delay, success, autoreply, challenge, other;
	 * and what Herald did: disabled, notice, enabled, removed.  source:
	 * smtp (refused while sending), token (mail at the member's bounce
	 * address), match (a report without a usable token, matched by
	 * address), reply (the member answered a notice), admin, timer.
	 * The address stays when the member goes.
	 */
	"CREATE TABLE bounce_event ("
	"  id INTEGER PRIMARY KEY,"
	"  list_id INTEGER NOT NULL REFERENCES list(id) ON DELETE CASCADE,"
	"  member_id INTEGER REFERENCES member(id) ON DELETE SET NULL,"
	"  address TEXT NOT NULL,"
	"  at INTEGER NOT NULL,"
	"  source TEXT NOT NULL,"
	"  event TEXT NOT NULL,"
	"  reason TEXT,"
	"  status TEXT,"
	"  diag TEXT,"
	"  score REAL,"				/* the member's, after it */
	"  post_id INTEGER,"
	"  inbound_id INTEGER);"
	"CREATE INDEX bounce_event_list ON bounce_event (list_id, at);"
	"CREATE INDEX bounce_event_member ON bounce_event (member_id, at);",
};

#define NMIGRATIONS ((int)(sizeof(migrations) / sizeof(migrations[0])))

int
schema_version(void)
{
	return NMIGRATIONS;
}

static int
apply(struct db *db, int64_t to, struct err *e)
{
	int64_t now;

	if (db_begin(db, e) < 0)
		return -1;
	/* Another process may have migrated while we waited for the lock. */
	if (db_get_version(db, &now, e) < 0)
		goto fail;
	if (now >= to) {
		db_rollback(db);
		return 0;
	}
	if (db_exec(db, migrations[to - 1], e) < 0 ||
	    db_set_version(db, to, e) < 0)
		goto fail;
	return db_commit(db, e);
fail:
	db_rollback(db);
	return err_prefix(e, "migrating the database to version %lld",
	    (long long)to);
}

int
schema_migrate(struct db *db, struct err *e)
{
	int64_t v;

	if (db_get_version(db, &v, e) < 0)
		return -1;
	if (v > NMIGRATIONS)
		return err_set(e, ERR_CONFIG, "database schema version %lld "
		    "is newer than this herald (%d); upgrade herald",
		    (long long)v, NMIGRATIONS);
	for (; v < NMIGRATIONS; v++)
		if (apply(db, v + 1, e) < 0)
			return -1;
	return 0;
}
