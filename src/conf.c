/*
 * conf.c: the site configuration file, read with libconfuse.
 *
 * This is the only file that includes confuse.h.  Values are validated as
 * they are parsed, so that an error carries the file name and line that
 * libconfuse knows at that moment.
 */
#include <arpa/inet.h>
#include <confuse.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conf.h"
#include "util.h"

#define SYSTEM_CONF "/etc/herald/herald.conf"

/* The first error of a parse, with file and line. */
static char parse_error[ERR_MSG_MAX];

static void
on_error(cfg_t *cfg, const char *fmt, va_list ap)
{
	char msg[ERR_MSG_MAX];

	if (parse_error[0] != '\0')
		return;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (cfg == NULL || cfg->filename == NULL || cfg->line <= 0 ||
	    str_fmt(parse_error, sizeof(parse_error), "%s:%d: %s",
	    cfg->filename, cfg->line, msg) < 0)
		str_copy(parse_error, sizeof(parse_error), msg);
}

static int
check_duration(cfg_t *cfg, cfg_opt_t *opt)
{
	unsigned int i;
	int64_t v;

	for (i = 0; i < cfg_opt_size(opt); i++) {
		const char *s = cfg_opt_getnstr(opt, i);

		if (s == NULL || parse_duration(s, &v) < 0 || v <= 0) {
			cfg_error(cfg, "%s: not a duration: '%s' (use e.g. "
			    "30s, 15m, 4h, 3d)", opt->name, s ? s : "");
			return -1;
		}
	}
	return 0;
}

static int
check_size(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *s = cfg_opt_getnstr(opt, 0);
	int64_t v;

	if (s == NULL || parse_size(s, &v) < 0 || v < 1024) {
		cfg_error(cfg, "%s: not a size of at least 1k: '%s'",
		    opt->name, s ? s : "");
		return -1;
	}
	return 0;
}

static int
check_positive(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v < 1 || v > 1000) {
		cfg_error(cfg, "%s: must be between 1 and 1000, not %ld",
		    opt->name, v);
		return -1;
	}
	return 0;
}

static int
check_rate(cfg_t *cfg, cfg_opt_t *opt)
{
	double v = cfg_opt_getnfloat(opt, 0);

	if (v < 0) {
		cfg_error(cfg, "%s: must not be negative", opt->name);
		return -1;
	}
	return 0;
}

static int
check_url(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *s = cfg_opt_getnstr(opt, 0);

	if (s == NULL || str_has_ctl(s) ||
	    (strncmp(s, "smtp://", 7) != 0 && strncmp(s, "smtps://", 8) != 0 &&
	    strncmp(s, "maildir:", 8) != 0)) {
		cfg_error(cfg, "url: must start with smtp://, smtps:// or "
		    "maildir:, not '%s'", s ? s : "");
		return -1;
	}
	return 0;
}

static int
check_tls(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *s = cfg_opt_getnstr(opt, 0);

	if (s == NULL || (strcmp(s, "no") != 0 && strcmp(s, "try") != 0 &&
	    strcmp(s, "require") != 0)) {
		cfg_error(cfg, "tls: must be no, try or require");
		return -1;
	}
	return 0;
}

static int
check_log_level(cfg_t *cfg, cfg_opt_t *opt)
{
	enum log_level lv;
	const char *s = cfg_opt_getnstr(opt, 0);

	if (s == NULL || log_level_parse(s, &lv) < 0) {
		cfg_error(cfg, "log_level: must be error, warning, info or "
		    "debug");
		return -1;
	}
	return 0;
}

static int
check_log_target(cfg_t *cfg, cfg_opt_t *opt)
{
	enum log_target t;
	const char *s = cfg_opt_getnstr(opt, 0);

	if (s == NULL || log_target_parse(s, &t) < 0) {
		cfg_error(cfg, "log_target: must be auto, stderr, syslog or "
		    "file:/PATH");
		return -1;
	}
	return 0;
}

static int
check_delimiter(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *s = cfg_opt_getnstr(opt, 0);
	const char *p;

	if (s == NULL || strlen(s) > 8)
		goto bad;
	for (p = s; *p != '\0'; p++)
		if (strchr("+=#%&~", *p) == NULL)
			goto bad;
	return 0;
bad:
	/* - . _ belong to list names and their suffixes. */
	cfg_error(cfg, "recipient_delimiter: at most 8 of the characters "
	    "+=#%%&~");
	return -1;
}

/* "" (the system's resolver), or an IPv4 address with an optional port. */
static int
check_resolver(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *s = cfg_opt_getnstr(opt, 0);
	char host[64];
	uint16_t port;

	if (s != NULL && (s[0] == '\0' || conf_parse_resolver(s, host,
	    sizeof(host), &port) == 0))
		return 0;
	cfg_error(cfg, "dns_resolver: an IPv4 address, optionally with "
	    ":PORT, or \"\" for the system's resolver; not '%s'",
	    s ? s : "");
	return -1;
}

/*
 * RFC 8058 section 3.1 allows one-click only over HTTPS.  The base is
 * written into List-Unsubscribe inside <...>, so it may hold none of the
 * characters that would end or break that: spaces, controls, < > " and
 * also no query or fragment, since the token is appended as a path.
 */
static int
check_web_url(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *s = cfg_opt_getnstr(opt, 0), *p;

	if (s == NULL || *s == '\0')
		return 0;
	if (strncmp(s, "https://", 8) != 0 || s[8] == '\0' ||
	    s[8] == '/' || strlen(s) > CONF_WEB_URL_MAX)
		goto bad;
	for (p = s; *p != '\0'; p++)
		if ((unsigned char)*p <= ' ' || (unsigned char)*p >= 0x7f ||
		    strchr("<>\"?#\\`{}|^,", *p) != NULL)
			goto bad;
	return 0;
bad:
	cfg_error(cfg, "web_url: an https:// URL of at most %d characters, "
	    "without spaces, query or fragment, not '%s'", CONF_WEB_URL_MAX,
	    s);
	return -1;
}

static int
check_serve_address(cfg_t *cfg, cfg_opt_t *opt)
{
	const char *s = cfg_opt_getnstr(opt, 0);
	unsigned char a[sizeof(struct in6_addr)];

	if (s != NULL && (inet_pton(AF_INET, s, a) == 1 ||
	    inet_pton(AF_INET6, s, a) == 1))
		return 0;
	cfg_error(cfg, "serve_address: a numeric IPv4 or IPv6 address, not "
	    "'%s'", s ? s : "");
	return -1;
}

static int
check_port(cfg_t *cfg, cfg_opt_t *opt)
{
	long v = cfg_opt_getnint(opt, 0);

	if (v < 1 || v > 65535) {
		cfg_error(cfg, "%s: a port number from 1 to 65535, not %ld",
		    opt->name, v);
		return -1;
	}
	return 0;
}

static cfg_t *
conf_schema(void)
{
	static cfg_opt_t relay_opts[] = {
		CFG_STR("url", "smtp://127.0.0.1:25", CFGF_NONE),
		CFG_STR("credentials", NULL, CFGF_NODEFAULT),
		CFG_STR("tls", "try", CFGF_NONE),
		CFG_INT("connections", 4, CFGF_NONE),
		CFG_INT("weight", 1, CFGF_NONE),
		CFG_FLOAT("rate", 0, CFGF_NONE),
		CFG_END()
	};
	/* libconfuse wants a writable string for a list's default. */
	static char retry_default[] = "{5m, 15m, 1h, 2h, 4h, 8h}";
	static cfg_opt_t opts[] = {
		CFG_STR("database", "/var/lib/herald/herald.db", CFGF_NONE),
		CFG_STR("spool", "/var/spool/herald", CFGF_NONE),
		CFG_STR("secret_file", "/var/lib/herald/secret", CFGF_NONE),
		CFG_STR("recipient_delimiter", "+", CFGF_NONE),
		CFG_STR("hostname", "", CFGF_NONE),
		CFG_STR("log_target", "auto", CFGF_NONE),
		CFG_STR("log_level", "info", CFGF_NONE),
		CFG_STR("max_message_size", "50M", CFGF_NONE),
		CFG_STR("busy_timeout", "30s", CFGF_NONE),
		CFG_BOOL("deliver_on_receive", cfg_true, CFGF_NONE),
		CFG_STR_LIST("retry", retry_default, CFGF_NONE),
		CFG_STR("give_up_after", "4d", CFGF_NONE),
		CFG_STR("dns_resolver", "", CFGF_NONE),
		CFG_SEC("relay", relay_opts, CFGF_MULTI | CFGF_TITLE),
		CFG_STR("web_url", "", CFGF_NONE),
		CFG_STR("serve_address", "127.0.0.1", CFGF_NONE),
		CFG_INT("serve_port", 8025, CFGF_NONE),
		CFG_END()
	};
	cfg_t *cfg = cfg_init(opts, CFGF_NONE);

	cfg_set_error_function(cfg, on_error);
	cfg_set_validate_func(cfg, "retry", check_duration);
	cfg_set_validate_func(cfg, "give_up_after", check_duration);
	cfg_set_validate_func(cfg, "busy_timeout", check_duration);
	cfg_set_validate_func(cfg, "max_message_size", check_size);
	cfg_set_validate_func(cfg, "log_level", check_log_level);
	cfg_set_validate_func(cfg, "log_target", check_log_target);
	cfg_set_validate_func(cfg, "recipient_delimiter", check_delimiter);
	cfg_set_validate_func(cfg, "dns_resolver", check_resolver);
	cfg_set_validate_func(cfg, "relay|url", check_url);
	cfg_set_validate_func(cfg, "relay|tls", check_tls);
	cfg_set_validate_func(cfg, "relay|connections", check_positive);
	cfg_set_validate_func(cfg, "relay|weight", check_positive);
	cfg_set_validate_func(cfg, "relay|rate", check_rate);
	cfg_set_validate_func(cfg, "web_url", check_web_url);
	cfg_set_validate_func(cfg, "serve_address", check_serve_address);
	cfg_set_validate_func(cfg, "serve_port", check_port);
	return cfg;
}

/* Which file to read: NULL when none exists and the defaults apply. */
static const char *
conf_find(const char *explicit_path)
{
	const char *env = getenv("HERALD_CONFIG");

	if (explicit_path != NULL)
		return explicit_path;
	if (env != NULL && *env != '\0')
		return env;
	if (access("herald.conf", F_OK) == 0)
		return "herald.conf";
	if (access(SYSTEM_CONF, F_OK) == 0)
		return SYSTEM_CONF;
	return NULL;
}

static void
conf_relay(struct relay_conf *r, cfg_t *sec, const char *name)
{
	const char *tls = cfg_getstr(sec, "tls");
	const char *cred = cfg_getstr(sec, "credentials");

	r->name = xstrdup(name);
	r->url = xstrdup(cfg_getstr(sec, "url"));
	r->credentials = cred != NULL ? xstrdup(cred) : NULL;
	r->tls = strcmp(tls, "no") == 0 ? RELAY_TLS_NO :
	    strcmp(tls, "require") == 0 ? RELAY_TLS_REQUIRE : RELAY_TLS_TRY;
	r->connections = (int)cfg_getint(sec, "connections");
	r->weight = (int)cfg_getint(sec, "weight");
	r->rate = cfg_getfloat(sec, "rate");
}

static void
conf_relays(struct conf *c, cfg_t *cfg)
{
	unsigned int i, n = cfg_size(cfg, "relay");

	if (n == 0) {
		/* No relay section: the local MTA on port 25. */
		c->relays = xcalloc(1, sizeof(*c->relays));
		c->nrelays = 1;
		c->relays[0] = (struct relay_conf){
			.name = xstrdup("default"),
			.url = xstrdup("smtp://127.0.0.1:25"),
			.tls = RELAY_TLS_TRY, .connections = 4, .weight = 1,
		};
		return;
	}
	c->relays = xcalloc(n, sizeof(*c->relays));
	c->nrelays = n;
	for (i = 0; i < n; i++) {
		cfg_t *sec = cfg_getnsec(cfg, "relay", i);

		conf_relay(&c->relays[i], sec, cfg_title(sec));
	}
}

static void
conf_copy(struct conf *c, cfg_t *cfg)
{
	unsigned int i;
	int64_t ms;

	c->database = xstrdup(cfg_getstr(cfg, "database"));
	c->spool = xstrdup(cfg_getstr(cfg, "spool"));
	c->secret_file = xstrdup(cfg_getstr(cfg, "secret_file"));
	c->delimiter = xstrdup(cfg_getstr(cfg, "recipient_delimiter"));
	c->hostname = xstrdup(cfg_getstr(cfg, "hostname"));
	c->dns_resolver = xstrdup(cfg_getstr(cfg, "dns_resolver"));
	log_target_parse(cfg_getstr(cfg, "log_target"), &c->log_target);
	if (c->log_target == LOG_TO_FILE)
		log_set_file(cfg_getstr(cfg, "log_target") + 5);
	log_level_parse(cfg_getstr(cfg, "log_level"), &c->log_level);
	parse_size(cfg_getstr(cfg, "max_message_size"), &c->max_message_size);
	parse_duration(cfg_getstr(cfg, "busy_timeout"), &ms);
	c->busy_timeout_ms = ms * 1000;
	c->deliver_on_receive = cfg_getbool(cfg, "deliver_on_receive");
	c->nretry = cfg_size(cfg, "retry");
	c->retry = xcalloc(c->nretry, sizeof(*c->retry));
	for (i = 0; i < c->nretry; i++)
		parse_duration(cfg_getnstr(cfg, "retry", i), &c->retry[i]);
	parse_duration(cfg_getstr(cfg, "give_up_after"), &c->give_up_after);
	conf_relays(c, cfg);
	c->web_url = xstrdup(cfg_getstr(cfg, "web_url"));
	/* One form of the base: the token path is appended after a "/". */
	if (str_has_suffix(c->web_url, "/"))
		c->web_url[strlen(c->web_url) - 1] = '\0';
	c->serve_address = xstrdup(cfg_getstr(cfg, "serve_address"));
	c->serve_port = (int)cfg_getint(cfg, "serve_port");
}

static void
conf_default_hostname(struct conf *c)
{
	char host[256];

	if (c->hostname[0] != '\0')
		return;
	if (gethostname(host, sizeof(host)) < 0 || host[0] == '\0')
		str_copy(host, sizeof(host), "localhost");
	host[sizeof(host) - 1] = '\0';
	free(c->hostname);
	c->hostname = xstrdup(host);
}

int
conf_parse_resolver(const char *s, char *host, size_t size, uint16_t *port)
{
	const char *colon = strchr(s, ':');
	size_t len = colon != NULL ? (size_t)(colon - s) : strlen(s);
	struct in_addr a;
	int64_t p = 53;

	if (len == 0 || len >= size)
		return -1;
	memcpy(host, s, len);
	host[len] = '\0';
	if (inet_pton(AF_INET, host, &a) != 1)
		return -1;
	if (colon != NULL && parse_int64(colon + 1, 1, 65535, &p) < 0)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

int
conf_load(const char *explicit_path, struct conf **out, struct err *e)
{
	const char *path = conf_find(explicit_path);
	struct conf *c;
	cfg_t *cfg;
	int rc;

	parse_error[0] = '\0';
	cfg = conf_schema();
	if (path != NULL && access(path, R_OK) < 0) {
		cfg_free(cfg);
		return err_sys(e, ERR_CONFIG, errno, "%s", path);
	}
	rc = path != NULL ? cfg_parse(cfg, path) : CFG_SUCCESS;
	if (rc != CFG_SUCCESS) {
		cfg_free(cfg);
		return err_set(e, ERR_CONFIG, "%s", parse_error[0] != '\0' ?
		    parse_error : "cannot parse the configuration");
	}
	c = xcalloc(1, sizeof(*c));
	c->path = path != NULL ? xstrdup(path) : NULL;
	conf_copy(c, cfg);
	conf_default_hostname(c);
	cfg_free(cfg);
	*out = c;
	return 0;
}

void
conf_free(struct conf *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nrelays; i++) {
		free(c->relays[i].name);
		free(c->relays[i].url);
		free(c->relays[i].credentials);
	}
	free(c->relays);
	free(c->retry);
	free(c->path);
	free(c->database);
	free(c->spool);
	free(c->delimiter);
	free(c->secret_file);
	free(c->hostname);
	free(c->dns_resolver);
	free(c->web_url);
	free(c->serve_address);
	free(c);
}
