/*
 * import.c: bulk import of members.  The libcsv adapter.
 */
#include <csv.h>
#include <stdlib.h>
#include <string.h>

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
};

static void
reject(struct importer *im, int64_t line, const char *why)
{
	im->r->rejected++;
	if (im->o->rejected != NULL)
		im->o->rejected(line, why, im->o->arg);
}

/* Adds one member that came from line. */
static void
add_one(struct importer *im, int64_t line, const char *addr,
    const char *name, enum member_mode mode)
{
	struct err e;

	im->r->records++;
	if (im->o->progress != NULL && im->r->records % PROGRESS_EVERY == 0)
		im->o->progress(im->r->records, im->o->arg);
	if (member_add(im->db, im->list_id, addr, name, mode, NULL, &e) == 0) {
		im->r->added++;
		return;
	}
	if (e.cls == ERR_EXISTS)
		im->r->present++;
	else if (e.cls == ERR_PERM)
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
	add_one(im, im->line, addr, name, im->o->mode);
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

/* A header row names its columns; anything else is the first record. */
static int
read_header(struct importer *im)
{
	size_t i;

	im->header_seen = 1;
	im->col_addr = 0;
	im->col_name = 1;
	im->col_mode = -1;
	if (im->rec.nfields == 0 || (str_casecmp(trim(im->rec.field[0]),
	    "address") != 0 && str_casecmp(trim(im->rec.field[0]), "email")
	    != 0))
		return 0;
	im->col_name = -1;
	for (i = 1; i < im->rec.nfields; i++) {
		const char *h = trim(im->rec.field[i]);

		if (str_casecmp(h, "name") == 0 ||
		    str_casecmp(h, "display name") == 0)
			im->col_name = (int)i;
		else if (str_casecmp(h, "mode") == 0)
			im->col_mode = (int)i;
		else {
			err_set(im->e, ERR_PERM, "line %lld: unknown column "
			    "'%s' (known: address, name, mode)",
			    (long long)im->rec_line, h);
			im->failed = 1;
		}
	}
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

static void
on_record(int end, void *arg)
{
	struct importer *im = arg;
	struct record *rec = &im->rec;
	const char *addr, *name, *mode_s;
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
	else if (rec->too_many || (mode_s != NULL && *mode_s != '\0' &&
	    member_mode_parse(mode_s, &mode) < 0)) {
		im->r->records++;
		reject(im, line, rec->too_many ? "too many fields" :
		    "mode is neither normal nor nomail");
	} else
		add_one(im, line, addr, name != NULL && *name ? name : NULL,
		    mode);
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
