// librabbitmq (rabbitmq-c 0.11), located with pkg-config `librabbitmq`.
#include <amqp.h>
#include <amqp_tcp_socket.h>
#include <amqp_ssl_socket.h>
