// A small, flat C interface over rabbitmq-c 0.11 for the Swift Messaging module.
//
// Why it exists: amqp_login is variadic (Swift cannot call it), AMQP field tables and frame
// unions are awkward from Swift, and publisher confirms must be read frame by frame in 0.11.
// Every function here must be called from the one thread that owns the connection.
#ifndef ASTROLAB_AMQP_H
#define ASTROLAB_AMQP_H

#include <stddef.h>
#include <stdint.h>

typedef struct astrolab_amqp astrolab_amqp;

#define ASTROLAB_AMQP_ERROR_LEN 512
#define ASTROLAB_AMQP_SHORTSTR_LEN 256

typedef struct {
    const char *host;
    int port;
    const char *vhost;
    const char *user;
    const char *password;
    int heartbeat_seconds;
    int connect_timeout_ms;
    int use_tls;
    const char *ca_cert_path; // NULL: the system's default trust store is not loaded by rabbitmq-c, so give one for TLS
    int verify_peer;
} astrolab_amqp_options;

// Opens the socket, logs in. NULL on failure, with the reason in `error`.
astrolab_amqp *astrolab_amqp_connect(const astrolab_amqp_options *options, char *error, size_t error_len);
// Closes politely when possible and frees everything. Safe on a broken connection.
void astrolab_amqp_close(astrolab_amqp *connection);
int astrolab_amqp_socket_fd(astrolab_amqp *connection);
// True when rabbitmq-c already holds received bytes or frames, so polling the socket would miss them.
int astrolab_amqp_has_buffered_input(astrolab_amqp *connection);

// Synchronous operations: 0 on success, otherwise -1 with the reason in `error`.
int astrolab_amqp_channel_open(astrolab_amqp *c, uint16_t channel, char *error, size_t error_len);
int astrolab_amqp_confirm_select(astrolab_amqp *c, uint16_t channel, char *error, size_t error_len);
int astrolab_amqp_exchange_declare(astrolab_amqp *c, uint16_t channel, const char *name, const char *type, int durable,
                                   char *error, size_t error_len);
// queue_type ("quorum"), dead_letter_exchange and dead_letter_routing_key may be NULL;
// delivery_limit 0 means none; ttl_ms 0 means none.
int astrolab_amqp_queue_declare(astrolab_amqp *c, uint16_t channel, const char *name, int durable, int exclusive,
                                int auto_delete, const char *queue_type, const char *dead_letter_exchange,
                                const char *dead_letter_routing_key, int delivery_limit, char *error, size_t error_len);
int astrolab_amqp_queue_bind(astrolab_amqp *c, uint16_t channel, const char *queue, const char *exchange,
                             const char *routing_key, char *error, size_t error_len);
int astrolab_amqp_queue_unbind(astrolab_amqp *c, uint16_t channel, const char *queue, const char *exchange,
                               const char *routing_key, char *error, size_t error_len);
int astrolab_amqp_basic_qos(astrolab_amqp *c, uint16_t channel, uint16_t prefetch, char *error, size_t error_len);
int astrolab_amqp_basic_consume(astrolab_amqp *c, uint16_t channel, const char *queue, const char *consumer_tag,
                                char *error, size_t error_len);
int astrolab_amqp_basic_cancel(astrolab_amqp *c, uint16_t channel, const char *consumer_tag, char *error,
                               size_t error_len);

// Asynchronous writes (no reply awaited here): 0 on success, a negative amqp_status_enum otherwise.
int astrolab_amqp_publish(astrolab_amqp *c, uint16_t channel, const char *exchange, const char *routing_key,
                          int mandatory, const void *body, size_t body_len, const char *message_id, const char *type,
                          const char *content_type, int persistent);
int astrolab_amqp_ack(astrolab_amqp *c, uint16_t channel, uint64_t delivery_tag, int multiple);
int astrolab_amqp_nack(astrolab_amqp *c, uint16_t channel, uint64_t delivery_tag, int multiple, int requeue);

typedef enum {
    ASTROLAB_AMQP_EVENT_DELIVERY = 1,
    ASTROLAB_AMQP_EVENT_CONFIRM_ACK = 2,
    ASTROLAB_AMQP_EVENT_CONFIRM_NACK = 3,
    ASTROLAB_AMQP_EVENT_RETURN = 4,
    ASTROLAB_AMQP_EVENT_CONSUMER_CANCELLED = 5,
    ASTROLAB_AMQP_EVENT_CHANNEL_CLOSED = 6,
    ASTROLAB_AMQP_EVENT_CONNECTION_CLOSED = 7,
    ASTROLAB_AMQP_EVENT_OTHER = 8,
} astrolab_amqp_event_kind;

// One thing the broker said. `body` is malloc'd by astrolab_amqp_next_event; free it with
// astrolab_amqp_event_free after copying it out.
typedef struct {
    int kind;
    uint16_t channel;
    uint64_t delivery_tag;
    int multiple;
    int redelivered;
    int reply_code;
    unsigned char *body;
    size_t body_len;
    char message_id[ASTROLAB_AMQP_SHORTSTR_LEN];
    char type[ASTROLAB_AMQP_SHORTSTR_LEN];
    char content_type[ASTROLAB_AMQP_SHORTSTR_LEN];
    char exchange[ASTROLAB_AMQP_SHORTSTR_LEN];
    char routing_key[ASTROLAB_AMQP_SHORTSTR_LEN];
    char consumer_tag[ASTROLAB_AMQP_SHORTSTR_LEN];
    char text[ASTROLAB_AMQP_SHORTSTR_LEN];
} astrolab_amqp_event;

// Waits up to timeout_ms (0: do not wait) for the next event; also services heartbeats.
// Returns 1 with an event, 0 on timeout, -1 when the connection is broken (reason in `error`).
int astrolab_amqp_next_event(astrolab_amqp *c, int timeout_ms, astrolab_amqp_event *event, char *error,
                             size_t error_len);
void astrolab_amqp_event_free(astrolab_amqp_event *event);

#endif
