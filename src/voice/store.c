/* store.c — saved voices: SQLite catalog + pack files (see store.h). */
#include "voice/store.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "voice/blend.h"

struct lt_voice_store {
    sqlite3 *db;
    char dir[1024];   /* <data>/voices */
    pthread_mutex_t lock; /* one connection, used by one thread at a time */
};

static int sql_fail(lt_voice_store *s, lt_err *err, const char *what) {
    return lt_fail(err, "voice store: %s: %s", what, sqlite3_errmsg(s->db));
}

/* Each version of a pack has its own file (<name>.<nonce>.bin) named by its
 * row, so replacing a voice never overwrites the pack a committed row points
 * at. Recovery removes temporary files, packs no row names (a save that
 * crashed before its commit, or the old version after a replace) and rows
 * whose pack is missing. */
static void recover(lt_voice_store *s) {
    DIR *d = opendir(s->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d))) {
            size_t n = strlen(e->d_name);
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", s->dir, e->d_name);
            if (n > 4 && !strcmp(e->d_name + n - 4, ".tmp")) {
                unlink(path);
                continue;
            }
            if (n > 4 && !strcmp(e->d_name + n - 4, ".bin")) {
                sqlite3_stmt *st;
                if (sqlite3_prepare_v2(s->db, "SELECT 1 FROM voices WHERE file = ?", -1, &st, NULL) == SQLITE_OK) {
                    sqlite3_bind_text(st, 1, e->d_name, -1, SQLITE_TRANSIENT);
                    if (sqlite3_step(st) != SQLITE_ROW) unlink(path);
                    sqlite3_finalize(st);
                }
            }
        }
        closedir(d);
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT name, file FROM voices", -1, &st, NULL) != SQLITE_OK) return;
    char gone[64][64];
    int n_gone = 0;
    while (sqlite3_step(st) == SQLITE_ROW && n_gone < 64) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", s->dir, (const char *)sqlite3_column_text(st, 1));
        if (access(path, R_OK) != 0) snprintf(gone[n_gone++], 64, "%s", (const char *)sqlite3_column_text(st, 0));
    }
    sqlite3_finalize(st);
    for (int i = 0; i < n_gone; i++) {
        if (sqlite3_prepare_v2(s->db, "DELETE FROM voices WHERE name = ?", -1, &st, NULL) != SQLITE_OK) continue;
        sqlite3_bind_text(st, 1, gone[i], -1, SQLITE_TRANSIENT);
        sqlite3_step(st);
        sqlite3_finalize(st);
    }
}

/* the file a row names, or "" */
static void row_file(lt_voice_store *s, const char *name, char *out, size_t len) {
    sqlite3_stmt *st;
    out[0] = 0;
    if (sqlite3_prepare_v2(s->db, "SELECT file FROM voices WHERE name = ?", -1, &st, NULL) != SQLITE_OK) return;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) snprintf(out, len, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
}

lt_voice_store *lt_voice_store_open(const char *data_dir, lt_err *err) {
    lt_voice_store *s = calloc(1, sizeof *s);
    if (!s) { lt_fail(err, "voice store: out of memory"); return NULL; }
    pthread_mutex_init(&s->lock, NULL);
    if (mkdir(data_dir, 0777) != 0 && errno != EEXIST) {
        lt_fail(err, "%s: cannot create the data directory: %m", data_dir);
        goto fail;
    }
    snprintf(s->dir, sizeof s->dir, "%s/voices", data_dir);
    if (mkdir(s->dir, 0777) != 0 && errno != EEXIST) {
        lt_fail(err, "%s: cannot create: %m", s->dir);
        goto fail;
    }
    char db[2048];
    snprintf(db, sizeof db, "%s/voices.db", data_dir);
    if (sqlite3_open_v2(db, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, NULL) != SQLITE_OK) {
        lt_fail(err, "%s: cannot open: %s", db, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        goto fail;
    }
    sqlite3_busy_timeout(s->db, 5000);
    if (sqlite3_exec(s->db,
                     "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
                     "CREATE TABLE IF NOT EXISTS voices (name TEXT PRIMARY KEY, rows INTEGER NOT NULL,"
                     " width INTEGER NOT NULL, description TEXT NOT NULL DEFAULT '', expression TEXT NOT NULL DEFAULT '',"
                     " created INTEGER NOT NULL, file TEXT NOT NULL);"
                     "CREATE TABLE IF NOT EXISTS pending_deletes (name TEXT PRIMARY KEY, deleted_at INTEGER NOT NULL)",
                     NULL, NULL, NULL) != SQLITE_OK) {
        sql_fail(s, err, db);
        goto fail;
    }
    recover(s);
    return s;
fail:
    lt_voice_store_close(s);
    return NULL;
}

void lt_voice_store_close(lt_voice_store *s) {
    if (!s) return;
    if (s->db) sqlite3_close(s->db);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

static int write_all(int fd, const void *p, size_t n) {
    const char *c = p;
    while (n) {
        ssize_t w = write(fd, c, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        c += w;
        n -= (size_t)w;
    }
    return 0;
}

int lt_voice_store_save(lt_voice_store *s, const char *name, const lt_voice_pack *pack, int expected_width,
                        const char *description, const char *expression, int replace, lt_err *err) {
    if (!lt_voice_name_valid(name))
        return lt_fail(err, "voice name '%s' is not valid: 1-63 letters, digits, _ or . (not starting with .)", name);
    if (pack->rows != LT_VOICE_ROWS || (expected_width && pack->width != expected_width))
        return lt_fail(err, "voice '%s': pack is [%d, %d], expected [%d, %d]", name, pack->rows, pack->width,
                       LT_VOICE_ROWS, expected_width ? expected_width : pack->width);
    for (int64_t i = 0; i < (int64_t)pack->rows * pack->width; i++)
        if (!isfinite(pack->data[i])) return lt_fail(err, "voice '%s': value %lld is not finite", name, (long long)i);
    if (description && strlen(description) >= 256) return lt_fail(err, "voice '%s': description longer than 255 bytes", name);
    char tmp[2048], file[256], final[2048], old_file[256];
    struct timespec now;
    clock_gettime(CLOCK_REALTIME, &now);
    snprintf(file, sizeof file, "%s.%lx%lx%lx.bin", name, (unsigned long)now.tv_sec, (unsigned long)now.tv_nsec,
             (unsigned long)getpid() ^ (unsigned long)pthread_self());
    snprintf(tmp, sizeof tmp, "%s/%s.tmp", s->dir, file);
    snprintf(final, sizeof final, "%s/%s", s->dir, file);
    int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) return lt_fail(err, "%s: cannot create: %m", tmp);
    size_t bytes = sizeof(float) * (size_t)pack->rows * (size_t)pack->width;
    if (write_all(fd, pack->data, bytes) || fsync(fd)) {
        close(fd);
        unlink(tmp);
        return lt_fail(err, "%s: write failed: %m", tmp);
    }
    close(fd);
    if (rename(tmp, final) != 0) { /* not yet named by any row: a crash from here on leaves an orphan */
        unlink(tmp);
        return lt_fail(err, "%s: cannot move into place: %m", final);
    }
    pthread_mutex_lock(&s->lock);
    int rc = -1;
    sqlite3_stmt *st = NULL;
    if (sqlite3_exec(s->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
        sql_fail(s, err, "begin");
        goto out;
    }
    row_file(s, name, old_file, sizeof old_file);
    const char *sql = replace ? "INSERT OR REPLACE INTO voices VALUES (?, ?, ?, ?, ?, ?, ?)"
                              : "INSERT INTO voices VALUES (?, ?, ?, ?, ?, ?, ?)";
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) != SQLITE_OK) {
        sql_fail(s, err, "insert");
        goto rollback;
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int(st, 2, pack->rows);
    sqlite3_bind_int(st, 3, pack->width);
    sqlite3_bind_text(st, 4, description ? description : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 5, expression ? expression : "", -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 6, (sqlite3_int64)time(NULL));
    sqlite3_bind_text(st, 7, file, -1, SQLITE_TRANSIENT);
    int step = sqlite3_step(st);
    if (step == SQLITE_CONSTRAINT) {
        lt_fail(err, "voice '%s' already exists (replace it explicitly)", name);
        goto rollback;
    }
    if (step != SQLITE_DONE) {
        sql_fail(s, err, "insert");
        goto rollback;
    }
    if (sqlite3_exec(s->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
        sql_fail(s, err, "commit");
        goto rollback;
    }
    if (old_file[0]) { /* the replaced version; a crash before this leaves an orphan, removed at the next open */
        char old_path[2048];
        snprintf(old_path, sizeof old_path, "%s/%s", s->dir, old_file);
        unlink(old_path);
    }
    rc = 0;
    goto out;
rollback:
    sqlite3_exec(s->db, "ROLLBACK", NULL, NULL, NULL);
    unlink(final);
out:
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

static void row_meta(sqlite3_stmt *st, lt_stored_voice *m) {
    memset(m, 0, sizeof *m);
    snprintf(m->name, sizeof m->name, "%s", (const char *)sqlite3_column_text(st, 0));
    m->rows = sqlite3_column_int(st, 1);
    m->width = sqlite3_column_int(st, 2);
    snprintf(m->description, sizeof m->description, "%s", (const char *)sqlite3_column_text(st, 3));
    snprintf(m->expression, sizeof m->expression, "%s", (const char *)sqlite3_column_text(st, 4));
    m->created = sqlite3_column_int64(st, 5);
    snprintf(m->file, sizeof m->file, "%s", (const char *)sqlite3_column_text(st, 6));
}

int lt_voice_store_get(lt_voice_store *s, const char *name, lt_stored_voice *meta, lt_voice_pack *pack, lt_err *err) {
    if (!lt_voice_name_valid(name)) return 1;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    int rc = 1;
    lt_stored_voice m;
    if (sqlite3_prepare_v2(s->db, "SELECT * FROM voices WHERE name = ?", -1, &st, NULL) != SQLITE_OK) {
        pthread_mutex_unlock(&s->lock);
        return sql_fail(s, err, "select");
    }
    sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
    if (sqlite3_step(st) == SQLITE_ROW) {
        row_meta(st, &m);
        rc = 0;
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->lock);
    if (rc) return 1;
    if (meta) *meta = m;
    if (pack) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", s->dir, m.file);
        if (lt_voice_pack_load(path, NULL, m.width, pack, err)) return -1;
    }
    return 0;
}

int lt_voice_store_delete(lt_voice_store *s, const char *name, lt_err *err) {
    if (!lt_voice_name_valid(name)) return 1;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    int rc = -1;
    char file[256];
    row_file(s, name, file, sizeof file);
    if (sqlite3_prepare_v2(s->db, "DELETE FROM voices WHERE name = ?", -1, &st, NULL) != SQLITE_OK) {
        sql_fail(s, err, "delete");
    } else {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) sql_fail(s, err, "delete");
        else rc = sqlite3_changes(s->db) ? 0 : 1;
        sqlite3_finalize(st);
    }
    if (rc == 0 && file[0]) {
        char path[2048];
        snprintf(path, sizeof path, "%s/%s", s->dir, file);
        unlink(path); /* a crash before this leaves an orphan pack: removed at the next open */
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int lt_voice_store_list(lt_voice_store *s, lt_stored_voice **out, int *count, lt_err *err) {
    *out = NULL;
    *count = 0;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT * FROM voices ORDER BY name", -1, &st, NULL) != SQLITE_OK) {
        pthread_mutex_unlock(&s->lock);
        return sql_fail(s, err, "list");
    }
    int cap = 0, rc = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (*count == cap) {
            cap = cap ? 2 * cap : 16;
            lt_stored_voice *n = realloc(*out, sizeof(lt_stored_voice) * (size_t)cap);
            if (!n) { rc = lt_fail(err, "voice store: out of memory"); break; }
            *out = n;
        }
        row_meta(st, &(*out)[(*count)++]);
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->lock);
    return rc;
}

/* ---- deletes not yet applied to the shared copies (voice/shared_voices.h) ---- */

int lt_voice_store_pending_put(lt_voice_store *s, const char *name, int64_t when, lt_err *err) {
    if (!lt_voice_name_valid(name)) return lt_fail(err, "voice store: '%s' is not a voice name", name);
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    int rc = -1;
    if (sqlite3_prepare_v2(s->db, "INSERT OR REPLACE INTO pending_deletes (name, deleted_at) VALUES (?, ?)", -1, &st,
                           NULL) != SQLITE_OK) {
        sql_fail(s, err, "pending delete");
    } else {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        sqlite3_bind_int64(st, 2, when);
        if (sqlite3_step(st) != SQLITE_DONE) sql_fail(s, err, "pending delete");
        else rc = 0;
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int lt_voice_store_pending_remove(lt_voice_store *s, const char *name, lt_err *err) {
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    int rc = -1;
    if (sqlite3_prepare_v2(s->db, "DELETE FROM pending_deletes WHERE name = ?", -1, &st, NULL) != SQLITE_OK) {
        sql_fail(s, err, "pending delete");
    } else {
        sqlite3_bind_text(st, 1, name, -1, SQLITE_TRANSIENT);
        if (sqlite3_step(st) != SQLITE_DONE) sql_fail(s, err, "pending delete");
        else rc = 0;
        sqlite3_finalize(st);
    }
    pthread_mutex_unlock(&s->lock);
    return rc;
}

int lt_voice_store_pending_list(lt_voice_store *s, lt_pending_delete **out, int *count, lt_err *err) {
    *out = NULL;
    *count = 0;
    pthread_mutex_lock(&s->lock);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "SELECT name, deleted_at FROM pending_deletes ORDER BY deleted_at, name", -1, &st,
                           NULL) != SQLITE_OK) {
        pthread_mutex_unlock(&s->lock);
        return sql_fail(s, err, "pending deletes");
    }
    int cap = 0, rc = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        if (!name || !lt_voice_name_valid(name)) continue; /* a row written by hand: not ours */
        if (*count == cap) {
            cap = cap ? 2 * cap : 16;
            lt_pending_delete *n = realloc(*out, sizeof(lt_pending_delete) * (size_t)cap);
            if (!n) {
                rc = lt_fail(err, "voice store: out of memory");
                break;
            }
            *out = n;
        }
        lt_pending_delete *d = &(*out)[(*count)++];
        snprintf(d->name, sizeof d->name, "%s", name);
        d->when = sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    pthread_mutex_unlock(&s->lock);
    if (rc) {
        free(*out);
        *out = NULL;
        *count = 0;
    }
    return rc;
}
