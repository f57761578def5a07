/*
 * conf.h: the site configuration file, read with libconfuse.
 *
 * The file is looked up in this order: the -c option, $HERALD_CONFIG,
 * ./herald.conf, /etc/herald/herald.conf.  When none exists the built-in
 * defaults apply.  Errors name the file and the line.
 */
#ifndef HERALD_CONF_H
#define HERALD_CONF_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "log.h"

#define CONF_WEB_URL_MAX 200

enum relay_tls { RELAY_TLS_NO, RELAY_TLS_TRY, RELAY_TLS_REQUIRE };

struct relay_conf {
	char *name;		/* the section's title */
	char *url;		/* smtp://, smtps:// or maildir:/path */
	char *credentials;	/* file with "user:password", or NULL */
	enum relay_tls tls;	/* STARTTLS for smtp:// */
	int connections;	/* parallel SMTP sessions */
	int weight;		/* share of the load among relays */
	double rate;		/* messages per second; 0 means no limit */
};

struct conf {
	char *path;		/* the file read, or NULL for the defaults */
	char *database;
	char *spool;
	char *delimiter;	/* recipient delimiter characters */
	char *secret_file;
	char *hostname;		/* for Message-ID, HELO; "" = gethostname() */
	enum log_target log_target;
	enum log_level log_level;
	int64_t max_message_size;	/* octets refused at the door */
	int64_t busy_timeout_ms;
	int deliver_on_receive;		/* start delivery after receive */
	int64_t *retry;			/* retry schedule, seconds */
	size_t nretry;
	int64_t give_up_after;		/* seconds a copy may stay deferred */
	struct relay_conf *relays;
	size_t nrelays;
	char *dns_resolver;		/* "" or IPv4[:port], for DMARC */
	char *web_url;		/* https base of one-click links; "" none */
	char *serve_address;	/* herald serve listens here (numeric) */
	int serve_port;
};

/*
 * Reads the configuration.  explicit_path is the -c option or NULL.  On
 * success *out is owned by the caller (conf_free).
 */
int conf_load(const char *explicit_path, struct conf **out, struct err *e);

void conf_free(struct conf *c);

/*
 * Splits a dns_resolver value, "A.B.C.D" or "A.B.C.D:PORT", into the
 * address (host[size]) and the port (53 if none); -1 if it is neither.
 */
int conf_parse_resolver(const char *s, char *host, size_t size,
    uint16_t *port);

#endif
