/*
 * import.c: bulk import of members.  The libcsv adapter.
 */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

#include "attr.h"
#include "import.h"
#include "msg.h"
#include "util.h"

#define LINE_MAX_LEN 4096
#define FIELDS_MAX 16
#define PROGRESS_EVERY 5000

struct record {
	char *field[FIELDS_MAX];
	size_t nfields;
	int too_many;
};

struct importer {
	struct db *db;
	int64_t list_id;
	const struct import_opts *o;
	struct import_result *r;
	struct err *e;		/* set on a database error: stop */
	int failed;
	/* CSV state */
	struct record rec;
	int64_t line;		/* the physical line being read */
	int64_t rec_line;	/* where the current record began */
	int header_seen;
	int col_addr, col_name, col_mode;	/* -1 if absent */
	int nattr;				/* attribute columns */
	int col_attr[FIELDS_MAX];
	char attr_name[FIELDS_MAX][ATTR_NAME_MAX + 1];
	struct record *cur;		/* the record being added, if CSV */
};

static void
reject(struct importer *im, int64_t line, const char *why)
{
	im->r->rejected++;
	if (im->o->rejected != NULL)
		im->o->rejected(line, why, im->o->arg);
}

static const char *column(struct record *rec, int col);

/* The record's attribute cells onto member id; empty cells are left. */
static int
set_attrs(struct importer *im, int64_t id, struct err *e)
{
	const char *v;
	int i;

	if (im->cur == NULL)
		return 0;
	for (i = 0; i < im->nattr; i++) {
		v = column(im->cur, im->col_attr[i]);
		if (v != NULL && *v != '\0' &&
		    attr_set(im->db, id, im->attr_name[i], v, e) < 0)
			return -1;
	}
	return 0;
}

/* A member already there, with update: the record's fields onto it. */
static int
update_one(struct importer *im, const char *addr, const char *name,
    int mode_given, enum member_mode mode, struct err *e)
{
	struct db_stmt *st;
	struct member m;

	if (member_get(im->db, im->list_id, addr, &m, e) < 0 ||
	    member_check(m.address, name, e) < 0)
		return -1;
	st = db_prepare(im->db, "UPDATE member SET name = coalesce(?, name), "
	    "mode = ? WHERE id = ?", e);
	if (st == NULL)
		return -1;
	db_bind_text(st, 1, name);
	db_bind_text(st, 2, member_mode_name(mode_given ? mode : m.mode));
	db_bind_int(st, 3, m.id);
	if (db_run(st, e) < 0 || set_attrs(im, m.id, e) < 0)
		return -1;
	im->r->updated++;
	return 0;
}

/* Adds one member that came from line. */
static void
add_one(struct importer *im, int64_t line, const char *addr,
    const char *name, int mode_given, enum member_mode mode)
{
	int64_t id;
	struct err e;
	int rc, added = 0;

	im->r->records++;
	if (im->o->progress != NULL && im->r->records % PROGRESS_EVERY == 0)
		im->o->progress(im->r->records, im->o->arg);
	rc = member_add(im->db, im->list_id, addr, name, mode, &id, &e);
	if (rc == 0) {
		added = 1;
		rc = set_attrs(im, id, &e);
	} else if (e.cls == ERR_EXISTS) {
		im->r->present++;
		rc = im->o->update ? update_one(im, addr, name, mode_given,
		    mode, &e) : 0;
	}
	if (rc == 0) {
		im->r->added += added;
		return;
	}
	if (e.cls == ERR_PERM)
		reject(im, line, e.msg);
	else {
		*im->e = e;
		im->failed = 1;
	}
}

static char *
trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' ||
	    end[-1] == '\r' || end[-1] == '\n'))
		*--end = '\0';
	return s;
}

static void
import_line(struct importer *im, char *text)
{
	char *addr = NULL, *name = NULL;
	struct err e;
	char *s = trim(text);

	if (*s == '\0' || *s == '#')
		return;
	if (msg_parse_mailbox(s, &addr, &name, &e) < 0) {
		im->r->records++;
		reject(im, im->line, "not an address");
		return;
	}
	add_one(im, im->line, addr, name, 0, im->o->mode);
	free(addr);
	free(name);
}

static void
record_clear(struct record *rec)
{
	size_t i;

	for (i = 0; i < rec->nfields; i++)
		free(rec->field[i]);
	rec->nfields = 0;
	rec->too_many = 0;
}

static void
on_field(void *data, size_t len, void *arg)
{
	struct importer *im = arg;

	if (im->rec.nfields == FIELDS_MAX) {
		im->rec.too_many = 1;
		return;
	}
	im->rec.field[im->rec.nfields++] = xstrndup(data != NULL ? data : "",
	    len);
}

static int
twice(struct importer *im, const char *title)
{
	return err_set(im->e, ERR_PERM, "line %lld: the header names '%s' "
	    "twice", (long long)im->rec_line, title);
}

/* A column the header names that is no field of a member's own. */
static int
add_attr_column(struct importer *im, int col, const char *title)
{
	char name[ATTR_NAME_MAX + 1];
	struct err e;
	int i;

	if (str_copy(name, sizeof(name), title) < 0)
		str_copy(name, sizeof(name), "-");	/* refused below */
	str_lower(name);
	if (attr_check_name(name, &e) < 0)
		return err_set(im->e, ERR_PERM, "line %lld: column '%s' is "
		    "neither address, name, mode nor an attribute name (%s)",
		    (long long)im->rec_line, title, e.msg);
	for (i = 0; i < im->nattr; i++)
		if (strcmp(im->attr_name[i], name) == 0)
			return twice(im, title);
	im->col_attr[im->nattr] = col;
	memcpy(im->attr_name[im->nattr++], name, sizeof(name));
	return 0;
}

/* How a header may title the columns Herald knows, in any letter case. */
static const char *const addr_titles[] = { "address", "email", "e-mail",
    "email address", "e-mail address", NULL };
static const char *const name_titles[] = { "name", "display name",
    "full name", NULL };
static const char *const mode_titles[] = { "mode", NULL };

static int
titled(const char *h, const char *const *titles)
{
	for (; *titles != NULL; titles++)
		if (str_casecmp(h, *titles) == 0)
			return 1;
	return 0;
}

/* Sets *col to the header's column i, unless another had that title. */
static int
known_column(struct importer *im, int *col, size_t i, const char *title)
{
	if (*col >= 0)
		return twice(im, title);
	*col = (int)i;
	return 0;
}

/*
 * A row that titles a column as the address, wherever it stands, is the
 * header; it names the other columns too.  Anything else is the first
 * record, "address,display name".
 */
static int
read_header(struct importer *im)
{
	size_t i;
	int rc = 0;

	im->header_seen = 1;
	im->col_addr = -1;
	im->col_name = -1;
	im->col_mode = -1;
	for (i = 0; i < im->rec.nfields && im->col_addr < 0; i++)
		if (titled(trim(im->rec.field[i]), addr_titles))
			im->col_addr = (int)i;
	if (im->col_addr < 0) {
		im->col_addr = 0;
		im->col_name = 1;
		return 0;
	}
	for (i = 0; i < im->rec.nfields && rc == 0; i++) {
		const char *h = trim(im->rec.field[i]);

		if ((int)i == im->col_addr)
			continue;
		if (titled(h, addr_titles))
			rc = twice(im, "address");
		else if (titled(h, name_titles))
			rc = known_column(im, &im->col_name, i, h);
		else if (titled(h, mode_titles))
			rc = known_column(im, &im->col_mode, i, h);
		else
			rc = add_attr_column(im, (int)i, h);
	}
	if (rc < 0)
		im->failed = 1;
	return 1;
}

/* The column's text in this record, or NULL. */
static const char *
column(struct record *rec, int col)
{
	if (col < 0 || (size_t)col >= rec->nfields)
		return NULL;
	return trim(rec->field[col]);
}

/*
 * What is wrong with a record, checked before anything of it is stored,
 * so that a bad record adds no part of itself: -1 with why filled in, or
 * 0 if nothing.
 */
static int
record_fault(struct importer *im, struct record *rec, const char *mode_s,
    enum member_mode *mode, char *why, size_t size)
{
	const char *v;
	struct err e;
	int i;

	if (rec->too_many) {
		str_copy(why, size, "too many fields");
		return -1;
	}
	if (mode_s != NULL && *mode_s != '\0' &&
	    member_mode_parse(mode_s, mode) < 0) {
		str_copy(why, size, "mode is neither normal nor nomail");
		return -1;
	}
	for (i = 0; i < im->nattr; i++) {
		v = column(rec, im->col_attr[i]);
		if (v != NULL && attr_check_value(v, &e) < 0) {
			str_fmt(why, size, "%s: %s", im->attr_name[i], e.msg);
			return -1;
		}
	}
	return 0;
}

static void
on_record(int end, void *arg)
{
	struct importer *im = arg;
	struct record *rec = &im->rec;
	const char *addr, *name, *mode_s;
	char why[ERR_MSG_MAX];
	enum member_mode mode = im->o->mode;
	int64_t line = im->rec_line;

	(void)end;
	im->rec_line = im->line + 1;
	if (im->failed || (!im->header_seen && read_header(im))) {
		record_clear(rec);
		return;
	}
	addr = column(rec, im->col_addr);
	name = column(rec, im->col_name);
	mode_s = column(rec, im->col_mode);
	if (addr == NULL || (rec->nfields == 1 && *addr == '\0'))
		;	/* an empty line */
	else if (record_fault(im, rec, mode_s, &mode, why, sizeof(why)) < 0) {
		im->r->records++;
		reject(im, line, why);
	} else {
		im->cur = rec;
		add_one(im, line, addr, name != NULL && *name ? name : NULL,
		    mode_s != NULL && *mode_s != '\0', mode);
		im->cur = NULL;
	}
	record_clear(rec);
}

/* Reads a physical line; returns 0 at end, -1 if it was too long. */
static int
next_line(FILE *in, char *buf, size_t size, int *too_long)
{
	size_t len;
	int c;

	*too_long = 0;
	if (fgets(buf, (int)size, in) == NULL)
		return 0;
	len = strlen(buf);
	if (len == size - 1 && buf[len - 1] != '\n') {
		*too_long = 1;
		while ((c = getc(in)) != EOF && c != '\n')
			continue;
	}
	return 1;
}

static void
skip_bom(char *line)
{
	if (memcmp(line, "\xef\xbb\xbf", 3) == 0)
		memmove(line, line + 3, strlen(line + 3) + 1);
}

static void
run(struct importer *im, FILE *in, struct csv_parser *p)
{
	char line[LINE_MAX_LEN];
	int too_long;

	while (!im->failed && next_line(in, line, sizeof(line), &too_long)) {
		im->line++;
		if (im->line == 1)
			skip_bom(line);
		if (too_long) {
			im->r->records++;
			reject(im, im->line, "line too long");
			im->rec_line = im->line + 1;
			continue;
		}
		if (p == NULL)
			import_line(im, line);
		else if (csv_parse(p, line, strlen(line), on_field, on_record,
		    im) != strlen(line)) {
			err_set(im->e, ERR_PERM, "line %lld: %s",
			    (long long)im->line, csv_strerror(csv_error(p)));
			im->failed = 1;
		}
	}
	if (p != NULL && !im->failed)
		csv_fini(p, on_field, on_record, im);
}

int
member_import(struct db *db, int64_t list_id, FILE *in,
    const struct import_opts *o, struct import_result *r, struct err *e)
{
	struct importer im = { .db = db, .list_id = list_id, .o = o,
	    .r = r, .e = e, .rec_line = 1 };
	struct csv_parser p;

	memset(r, 0, sizeof(*r));
	if (db_begin(db, e) < 0)
		return -1;
	if (o->format == IMPORT_CSV) {
		csv_init(&p, CSV_STRICT | CSV_APPEND_NULL | CSV_EMPTY_IS_NULL);
		run(&im, in, &p);
		csv_free(&p);
		record_clear(&im.rec);
	} else
		run(&im, in, NULL);
	if (!im.failed && ferror(in))
		im.failed = err_set(e, ERR_PERM, "read error") != 0;
	if (im.failed || (r->rejected > 0 && !o->skip_bad)) {
		db_rollback(db);
		r->added = 0;
		return im.failed ? -1 : 0;
	}
	if (db_commit(db, e) < 0)
		return -1;
	r->committed = 1;
	return 0;
}
