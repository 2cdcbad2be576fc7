// See include/astrolab_amqp.h. Everything the broker sends is copied into flat buffers before
// returning, so no pointer into rabbitmq-c's memory outlives a call.
#include "astrolab_amqp.h"

#include <amqp.h>
#include <amqp_ssl_socket.h>
#include <amqp_tcp_socket.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>

struct astrolab_amqp {
    amqp_connection_state_t state;
    int broken;
};

static void set_error(char *error, size_t len, const char *format, ...) {
    if (error == NULL || len == 0) return;
    va_list args;
    va_start(args, format);
    vsnprintf(error, len, format, args);
    va_end(args);
}

static void copy_bytes(char *destination, amqp_bytes_t source) {
    size_t n = source.len < ASTROLAB_AMQP_SHORTSTR_LEN - 1 ? source.len : ASTROLAB_AMQP_SHORTSTR_LEN - 1;
    if (n > 0 && source.bytes != NULL) memcpy(destination, source.bytes, n);
    destination[n] = '\0';
}

static struct timeval timeval_from_ms(int ms) {
    struct timeval tv;
    tv.tv_sec = ms / 1000;
    tv.tv_usec = (ms % 1000) * 1000;
    return tv;
}

// Interprets a synchronous reply; answers the broker's close with close-ok as the protocol wants.
static int check_reply(astrolab_amqp *c, amqp_rpc_reply_t reply, const char *what, char *error, size_t len) {
    switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
        return 0;
    case AMQP_RESPONSE_NONE:
        set_error(error, len, "%s: no reply from the broker", what);
        c->broken = 1;
        return -1;
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
        set_error(error, len, "%s: %s", what, amqp_error_string2(reply.library_error));
        c->broken = 1;
        return -1;
    case AMQP_RESPONSE_SERVER_EXCEPTION:
        if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
            amqp_connection_close_t *close = (amqp_connection_close_t *)reply.reply.decoded;
            set_error(error, len, "%s: connection closed by broker: %u %.*s", what, close->reply_code,
                      (int)close->reply_text.len, (char *)close->reply_text.bytes);
            amqp_connection_close_ok_t ok;
            amqp_send_method(c->state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
            c->broken = 1;
        } else if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
            amqp_channel_close_t *close = (amqp_channel_close_t *)reply.reply.decoded;
            set_error(error, len, "%s: channel closed by broker: %u %.*s", what, close->reply_code,
                      (int)close->reply_text.len, (char *)close->reply_text.bytes);
        } else {
            set_error(error, len, "%s: unexpected broker method 0x%08x", what, reply.reply.id);
        }
        return -1;
    }
    set_error(error, len, "%s: unknown reply type", what);
    return -1;
}

astrolab_amqp *astrolab_amqp_connect(const astrolab_amqp_options *o, char *error, size_t error_len) {
    amqp_connection_state_t state = amqp_new_connection();
    if (state == NULL) {
        set_error(error, error_len, "out of memory");
        return NULL;
    }
    amqp_socket_t *socket = o->use_tls ? amqp_ssl_socket_new(state) : amqp_tcp_socket_new(state);
    if (socket == NULL) {
        set_error(error, error_len, "cannot create %s socket", o->use_tls ? "TLS" : "TCP");
        amqp_destroy_connection(state);
        return NULL;
    }
    if (o->use_tls) {
        amqp_ssl_socket_set_verify_peer(socket, o->verify_peer);
        amqp_ssl_socket_set_verify_hostname(socket, o->verify_peer);
        if (o->ca_cert_path != NULL) {
            int status = amqp_ssl_socket_set_cacert(socket, o->ca_cert_path);
            if (status != AMQP_STATUS_OK) {
                set_error(error, error_len, "cannot load CA certificate %s: %s", o->ca_cert_path, amqp_error_string2(status));
                amqp_destroy_connection(state);
                return NULL;
            }
        }
    }
    struct timeval timeout = timeval_from_ms(o->connect_timeout_ms);
    int status = amqp_socket_open_noblock(socket, o->host, o->port, &timeout);
    if (status != AMQP_STATUS_OK) {
        set_error(error, error_len, "cannot connect to %s:%d: %s", o->host, o->port, amqp_error_string2(status));
        amqp_destroy_connection(state);
        return NULL;
    }
    amqp_set_handshake_timeout(state, &timeout);
    amqp_set_rpc_timeout(state, &timeout);

    astrolab_amqp *c = calloc(1, sizeof(astrolab_amqp));
    if (c == NULL) {
        amqp_destroy_connection(state);
        set_error(error, error_len, "out of memory");
        return NULL;
    }
    c->state = state;
    amqp_rpc_reply_t reply = amqp_login(state, o->vhost, 0, 131072, o->heartbeat_seconds, AMQP_SASL_METHOD_PLAIN,
                                        o->user, o->password);
    if (check_reply(c, reply, "login", error, error_len) != 0) {
        amqp_destroy_connection(state);
        free(c);
        return NULL;
    }
    return c;
}

void astrolab_amqp_close(astrolab_amqp *c) {
    if (c == NULL) return;
    if (!c->broken) amqp_connection_close(c->state, AMQP_REPLY_SUCCESS);
    amqp_destroy_connection(c->state);
    free(c);
}

int astrolab_amqp_socket_fd(astrolab_amqp *c) { return amqp_get_sockfd(c->state); }

int astrolab_amqp_has_buffered_input(astrolab_amqp *c) {
    return amqp_data_in_buffer(c->state) || amqp_frames_enqueued(c->state);
}

int astrolab_amqp_channel_open(astrolab_amqp *c, uint16_t channel, char *error, size_t len) {
    amqp_channel_open(c->state, channel);
    return check_reply(c, amqp_get_rpc_reply(c->state), "channel.open", error, len);
}

int astrolab_amqp_confirm_select(astrolab_amqp *c, uint16_t channel, char *error, size_t len) {
    amqp_confirm_select(c->state, channel);
    return check_reply(c, amqp_get_rpc_reply(c->state), "confirm.select", error, len);
}

int astrolab_amqp_exchange_declare(astrolab_amqp *c, uint16_t channel, const char *name, const char *type, int durable,
                                   char *error, size_t len) {
    amqp_exchange_declare(c->state, channel, amqp_cstring_bytes(name), amqp_cstring_bytes(type), 0, durable, 0, 0,
                          amqp_empty_table);
    return check_reply(c, amqp_get_rpc_reply(c->state), "exchange.declare", error, len);
}

static void add_string_argument(amqp_table_entry_t *entries, int *count, const char *key, const char *value) {
    entries[*count].key = amqp_cstring_bytes(key);
    entries[*count].value.kind = AMQP_FIELD_KIND_UTF8;
    entries[*count].value.value.bytes = amqp_cstring_bytes(value);
    (*count)++;
}

int astrolab_amqp_queue_declare(astrolab_amqp *c, uint16_t channel, const char *name, int durable, int exclusive,
                                int auto_delete, const char *queue_type, const char *dead_letter_exchange,
                                const char *dead_letter_routing_key, int delivery_limit, char *error, size_t len) {
    amqp_table_entry_t entries[4];
    int count = 0;
    if (queue_type != NULL) add_string_argument(entries, &count, "x-queue-type", queue_type);
    if (dead_letter_exchange != NULL) add_string_argument(entries, &count, "x-dead-letter-exchange", dead_letter_exchange);
    if (dead_letter_routing_key != NULL) {
        add_string_argument(entries, &count, "x-dead-letter-routing-key", dead_letter_routing_key);
    }
    if (delivery_limit > 0) {
        entries[count].key = amqp_cstring_bytes("x-delivery-limit");
        entries[count].value.kind = AMQP_FIELD_KIND_I32;
        entries[count].value.value.i32 = delivery_limit;
        count++;
    }
    amqp_table_t arguments = {.num_entries = count, .entries = entries};
    amqp_queue_declare(c->state, channel, amqp_cstring_bytes(name), 0, durable, exclusive, auto_delete, arguments);
    return check_reply(c, amqp_get_rpc_reply(c->state), "queue.declare", error, len);
}

int astrolab_amqp_queue_bind(astrolab_amqp *c, uint16_t channel, const char *queue, const char *exchange,
                             const char *routing_key, char *error, size_t len) {
    amqp_queue_bind(c->state, channel, amqp_cstring_bytes(queue), amqp_cstring_bytes(exchange),
                    amqp_cstring_bytes(routing_key), amqp_empty_table);
    return check_reply(c, amqp_get_rpc_reply(c->state), "queue.bind", error, len);
}

int astrolab_amqp_queue_unbind(astrolab_amqp *c, uint16_t channel, const char *queue, const char *exchange,
                               const char *routing_key, char *error, size_t len) {
    amqp_queue_unbind(c->state, channel, amqp_cstring_bytes(queue), amqp_cstring_bytes(exchange),
                      amqp_cstring_bytes(routing_key), amqp_empty_table);
    return check_reply(c, amqp_get_rpc_reply(c->state), "queue.unbind", error, len);
}

int astrolab_amqp_basic_qos(astrolab_amqp *c, uint16_t channel, uint16_t prefetch, char *error, size_t len) {
    amqp_basic_qos(c->state, channel, 0, prefetch, 0);
    return check_reply(c, amqp_get_rpc_reply(c->state), "basic.qos", error, len);
}

int astrolab_amqp_basic_consume(astrolab_amqp *c, uint16_t channel, const char *queue, const char *consumer_tag,
                                char *error, size_t len) {
    amqp_basic_consume(c->state, channel, amqp_cstring_bytes(queue), amqp_cstring_bytes(consumer_tag), 0, 0, 0,
                       amqp_empty_table);
    return check_reply(c, amqp_get_rpc_reply(c->state), "basic.consume", error, len);
}

int astrolab_amqp_basic_cancel(astrolab_amqp *c, uint16_t channel, const char *consumer_tag, char *error, size_t len) {
    amqp_basic_cancel(c->state, channel, amqp_cstring_bytes(consumer_tag));
    return check_reply(c, amqp_get_rpc_reply(c->state), "basic.cancel", error, len);
}

int astrolab_amqp_publish(astrolab_amqp *c, uint16_t channel, const char *exchange, const char *routing_key,
                          int mandatory, const void *body, size_t body_len, const char *message_id, const char *type,
                          const char *content_type, int persistent) {
    amqp_basic_properties_t properties;
    memset(&properties, 0, sizeof(properties));
    properties._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
    properties.delivery_mode = persistent ? 2 : 1;
    if (message_id != NULL) {
        properties._flags |= AMQP_BASIC_MESSAGE_ID_FLAG;
        properties.message_id = amqp_cstring_bytes(message_id);
    }
    if (type != NULL) {
        properties._flags |= AMQP_BASIC_TYPE_FLAG;
        properties.type = amqp_cstring_bytes(type);
    }
    if (content_type != NULL) {
        properties._flags |= AMQP_BASIC_CONTENT_TYPE_FLAG;
        properties.content_type = amqp_cstring_bytes(content_type);
    }
    amqp_bytes_t payload = {.len = body_len, .bytes = (void *)body};
    int status = amqp_basic_publish(c->state, channel, amqp_cstring_bytes(exchange), amqp_cstring_bytes(routing_key),
                                    mandatory, 0, &properties, payload);
    if (status != AMQP_STATUS_OK) c->broken = 1;
    return status;
}

int astrolab_amqp_ack(astrolab_amqp *c, uint16_t channel, uint64_t delivery_tag, int multiple) {
    return amqp_basic_ack(c->state, channel, delivery_tag, multiple);
}

int astrolab_amqp_nack(astrolab_amqp *c, uint16_t channel, uint64_t delivery_tag, int multiple, int requeue) {
    return amqp_basic_nack(c->state, channel, delivery_tag, multiple, requeue);
}

// Reads the header and body frames that follow a basic.deliver or basic.return.
static int read_content(astrolab_amqp *c, uint16_t channel, astrolab_amqp_event *event, char *error, size_t len) {
    amqp_message_t message;
    amqp_rpc_reply_t reply = amqp_read_message(c->state, channel, &message, 0);
    if (check_reply(c, reply, "read message", error, len) != 0) {
        c->broken = 1;
        return -1;
    }
    event->body_len = message.body.len;
    event->body = malloc(message.body.len > 0 ? message.body.len : 1);
    if (event->body == NULL) {
        amqp_destroy_message(&message);
        set_error(error, len, "out of memory for a %zu byte message", message.body.len);
        c->broken = 1;
        return -1;
    }
    if (message.body.len > 0) memcpy(event->body, message.body.bytes, message.body.len);
    amqp_basic_properties_t *p = &message.properties;
    if (p->_flags & AMQP_BASIC_MESSAGE_ID_FLAG) copy_bytes(event->message_id, p->message_id);
    if (p->_flags & AMQP_BASIC_TYPE_FLAG) copy_bytes(event->type, p->type);
    if (p->_flags & AMQP_BASIC_CONTENT_TYPE_FLAG) copy_bytes(event->content_type, p->content_type);
    amqp_destroy_message(&message);
    return 0;
}

int astrolab_amqp_next_event(astrolab_amqp *c, int timeout_ms, astrolab_amqp_event *event, char *error, size_t len) {
    memset(event, 0, sizeof(*event));
    amqp_maybe_release_buffers(c->state);
    amqp_frame_t frame;
    struct timeval timeout = timeval_from_ms(timeout_ms);
    int status = amqp_simple_wait_frame_noblock(c->state, &frame, &timeout);
    if (status == AMQP_STATUS_TIMEOUT) return 0;
    if (status != AMQP_STATUS_OK) {
        set_error(error, len, "%s", amqp_error_string2(status));
        c->broken = 1;
        return -1;
    }
    event->channel = frame.channel;
    if (frame.frame_type != AMQP_FRAME_METHOD) {
        event->kind = ASTROLAB_AMQP_EVENT_OTHER;
        return 1;
    }
    switch (frame.payload.method.id) {
    case AMQP_BASIC_DELIVER_METHOD: {
        amqp_basic_deliver_t *deliver = (amqp_basic_deliver_t *)frame.payload.method.decoded;
        event->kind = ASTROLAB_AMQP_EVENT_DELIVERY;
        event->delivery_tag = deliver->delivery_tag;
        event->redelivered = deliver->redelivered;
        copy_bytes(event->exchange, deliver->exchange);
        copy_bytes(event->routing_key, deliver->routing_key);
        copy_bytes(event->consumer_tag, deliver->consumer_tag);
        return read_content(c, frame.channel, event, error, len) == 0 ? 1 : -1;
    }
    case AMQP_BASIC_RETURN_METHOD: {
        amqp_basic_return_t *returned = (amqp_basic_return_t *)frame.payload.method.decoded;
        event->kind = ASTROLAB_AMQP_EVENT_RETURN;
        event->reply_code = returned->reply_code;
        copy_bytes(event->text, returned->reply_text);
        copy_bytes(event->exchange, returned->exchange);
        copy_bytes(event->routing_key, returned->routing_key);
        return read_content(c, frame.channel, event, error, len) == 0 ? 1 : -1;
    }
    case AMQP_BASIC_ACK_METHOD: {
        amqp_basic_ack_t *ack = (amqp_basic_ack_t *)frame.payload.method.decoded;
        event->kind = ASTROLAB_AMQP_EVENT_CONFIRM_ACK;
        event->delivery_tag = ack->delivery_tag;
        event->multiple = ack->multiple;
        return 1;
    }
    case AMQP_BASIC_NACK_METHOD: {
        amqp_basic_nack_t *nack = (amqp_basic_nack_t *)frame.payload.method.decoded;
        event->kind = ASTROLAB_AMQP_EVENT_CONFIRM_NACK;
        event->delivery_tag = nack->delivery_tag;
        event->multiple = nack->multiple;
        return 1;
    }
    case AMQP_BASIC_CANCEL_METHOD: {
        amqp_basic_cancel_t *cancel = (amqp_basic_cancel_t *)frame.payload.method.decoded;
        event->kind = ASTROLAB_AMQP_EVENT_CONSUMER_CANCELLED;
        copy_bytes(event->consumer_tag, cancel->consumer_tag);
        return 1;
    }
    case AMQP_CHANNEL_CLOSE_METHOD: {
        amqp_channel_close_t *close = (amqp_channel_close_t *)frame.payload.method.decoded;
        event->kind = ASTROLAB_AMQP_EVENT_CHANNEL_CLOSED;
        event->reply_code = close->reply_code;
        copy_bytes(event->text, close->reply_text);
        amqp_channel_close_ok_t ok;
        amqp_send_method(c->state, frame.channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &ok);
        return 1;
    }
    case AMQP_CONNECTION_CLOSE_METHOD: {
        amqp_connection_close_t *close = (amqp_connection_close_t *)frame.payload.method.decoded;
        event->kind = ASTROLAB_AMQP_EVENT_CONNECTION_CLOSED;
        event->reply_code = close->reply_code;
        copy_bytes(event->text, close->reply_text);
        amqp_connection_close_ok_t ok;
        amqp_send_method(c->state, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &ok);
        c->broken = 1;
        return 1;
    }
    default:
        event->kind = ASTROLAB_AMQP_EVENT_OTHER;
        event->reply_code = (int)frame.payload.method.id;
        return 1;
    }
}

void astrolab_amqp_event_free(astrolab_amqp_event *event) {
    free(event->body);
    event->body = NULL;
    event->body_len = 0;
}
