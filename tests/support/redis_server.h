/* redis_server.h — test helper: a real redis-server (the Debian package) on
 * a free loopback port, started and killed by the Redis, voice-sharing and
 * replica tests. Nothing is saved to disk. */
#ifndef LT_TESTS_REDIS_SERVER_H
#define LT_TESTS_REDIS_SERVER_H

#include <sys/types.h>

/* A TCP port on 127.0.0.1 that was free a moment ago. */
int lt_test_free_port(void);
/* Start redis-server on port and wait until it answers PING-able
 * connections (fails the test after ~5 s). Returns its pid. */
pid_t lt_test_redis_start(int port);
/* SIGKILL and reap it (*pid = -1 afterwards; no-op when <= 0). */
void lt_test_redis_kill(pid_t *pid);

#endif
