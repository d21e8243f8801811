// crash-recorder: an LD_PRELOAD library that records every file-system call a process makes under
// one directory, with the data written, into an append-only binary trace (ALICE / CrashMonkey's
// record step). The power-loss tests (Tests/EndToEndTests/PowerLoss) replay the trace into crash
// states. Built by scripts/build-crash-recorder; format in Tests/EndToEndTests/PowerLoss/CrashTrace.swift.
//
// Environment: PROTALENT_CRASH_ROOT (absolute, canonical directory to watch),
//              PROTALENT_CRASH_TRACE (the trace file; opened O_APPEND, shared with the test process).
//
// Each record is one write(2) to an O_APPEND descriptor under a mutex, so records of several
// threads and processes never interleave and each is on its way to the file before the call returns.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/uio.h>
#include <unistd.h>

enum kind {
    K_CREATE = 1,    // open with O_CREAT/O_TRUNC: path, ino, flags bit 0 = O_TRUNC
    K_WRITE = 2,     // ino, offset, length, data (flags bit 1: all zeros, data omitted)
    K_TRUNCATE = 3,  // ino, length
    K_FALLOCATE = 4, // ino, offset, length, flags bit 2: KEEP_SIZE
    K_RENAME = 5,    // path -> path2 (ino of the file renamed)
    K_UNLINK = 6,    // path
    K_FSYNC = 7,     // ino, path; flags bit 3: directory, bit 4: fdatasync
    K_MKDIR = 8,     // path
    K_SYNC_RANGE = 9,// ino (no durability promised: recorded for the record)
    K_MSYNC = 10,    // (mapped writes are invisible to the recorder; noted so a test can refuse them)
    K_ACK = 11,      // written by the test process: path = label
    K_LINK = 12,     // path -> path2, a second name for the same file
};

// The record header; paths and data follow it. Little-endian, packed.
struct __attribute__((packed)) header {
    uint32_t size;     // whole record, header included
    uint8_t kind;
    uint8_t flags;
    uint16_t reserved;
    uint32_t pid;
    uint32_t tid;
    uint64_t ino;
    int64_t offset;
    int64_t length;
    uint32_t path_length;
    uint32_t path2_length;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int trace_fd = -1;
static char root[PATH_MAX];
static size_t root_length;
static int ready; // 1 configured, -1 disabled

static int (*real_open)(const char *, int, ...);
static int (*real_open64)(const char *, int, ...);
static int (*real_openat)(int, const char *, int, ...);
static int (*real_openat64)(int, const char *, int, ...);
static int (*real_creat)(const char *, mode_t);
static ssize_t (*real_write)(int, const void *, size_t);
static ssize_t (*real_pwrite)(int, const void *, size_t, off_t);
static ssize_t (*real_pwrite64)(int, const void *, size_t, off64_t);
static ssize_t (*real_writev)(int, const struct iovec *, int);
static int (*real_ftruncate)(int, off_t);
static int (*real_ftruncate64)(int, off64_t);
static int (*real_fallocate)(int, int, off_t, off_t);
static int (*real_fallocate64)(int, int, off64_t, off64_t);
static int (*real_rename)(const char *, const char *);
static int (*real_renameat)(int, const char *, int, const char *);
static int (*real_renameat2)(int, const char *, int, const char *, unsigned int);
static int (*real_unlink)(const char *);
static int (*real_unlinkat)(int, const char *, int);
static int (*real_fsync)(int);
static int (*real_fdatasync)(int);
static int (*real_sync_file_range)(int, off64_t, off64_t, unsigned int);
static int (*real_msync)(void *, size_t, int);
static int (*real_link)(const char *, const char *);
static int (*real_linkat)(int, const char *, int, const char *, int);
static int (*real_mkdir)(const char *, mode_t);
static int (*real_mkdirat)(int, const char *, mode_t);

#define BIND(name) real_##name = dlsym(RTLD_NEXT, #name)

static void bind_all(void) {
    BIND(open); BIND(open64); BIND(openat); BIND(openat64); BIND(creat);
    BIND(write); BIND(pwrite); BIND(pwrite64); BIND(writev);
    BIND(ftruncate); BIND(ftruncate64); BIND(fallocate); BIND(fallocate64);
    BIND(rename); BIND(renameat); BIND(renameat2); BIND(unlink); BIND(unlinkat); BIND(link); BIND(linkat);
    BIND(fsync); BIND(fdatasync); BIND(sync_file_range); BIND(msync); BIND(mkdir); BIND(mkdirat);
}

__attribute__((constructor)) static void setup(void) {
    bind_all();
    const char *r = getenv("PROTALENT_CRASH_ROOT");
    const char *t = getenv("PROTALENT_CRASH_TRACE");
    if (!r || !t || strlen(r) + 1 >= sizeof root) { ready = -1; return; }
    strcpy(root, r);
    root_length = strlen(root);
    while (root_length > 1 && root[root_length - 1] == '/') root[--root_length] = 0;
    trace_fd = real_open(t, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    ready = trace_fd >= 0 ? 1 : -1;
}

static int under_root(const char *path) {
    return ready == 1 && strncmp(path, root, root_length) == 0 && (path[root_length] == 0 || path[root_length] == '/');
}

// The absolute path `path` names relative to `dirfd` (no `..` resolution: our callers use clean paths).
static int absolute(int dirfd, const char *path, char *out) {
    if (!path) return -1;
    if (path[0] == '/') { snprintf(out, PATH_MAX, "%s", path); return 0; }
    char base[PATH_MAX];
    if (dirfd == AT_FDCWD) {
        if (!getcwd(base, sizeof base)) return -1;
    } else {
        char link[64];
        snprintf(link, sizeof link, "/proc/self/fd/%d", dirfd);
        ssize_t n = readlink(link, base, sizeof base - 1);
        if (n < 0) return -1;
        base[n] = 0;
    }
    size_t b = strlen(base), p = strlen(path);
    if (b + 1 + p >= PATH_MAX) return -1;
    memcpy(out, base, b);
    out[b] = '/';
    memcpy(out + b + 1, path, p + 1);
    return 0;
}

// Regular file or directory under the root: fills ino, path and whether it is a directory.
static int describe(int fd, uint64_t *ino, char *path, int *directory) {
    if (ready != 1) return -1;
    struct stat info;
    if (fstat(fd, &info) != 0) return -1;
    if (!S_ISREG(info.st_mode) && !S_ISDIR(info.st_mode)) return -1;
    char link[64];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, path, PATH_MAX - 1);
    if (n < 0) return -1;
    path[n] = 0;
    if (!under_root(path)) return -1;
    *ino = (uint64_t)info.st_ino;
    *directory = S_ISDIR(info.st_mode);
    return 0;
}

static void emit(uint8_t kind, uint8_t flags, uint64_t ino, int64_t offset, int64_t length,
                 const char *path, const char *path2, const void *data, size_t data_length) {
    size_t p1 = path ? strlen(path) : 0, p2 = path2 ? strlen(path2) : 0;
    size_t size = sizeof(struct header) + p1 + p2 + data_length;
    char *buffer = malloc(size);
    if (!buffer) abort(); // a trace with a hole would make every later state meaningless
    struct header h = {
        .size = (uint32_t)size, .kind = kind, .flags = flags, .pid = (uint32_t)getpid(), .tid = (uint32_t)gettid(),
        .ino = ino, .offset = offset, .length = length, .path_length = (uint32_t)p1, .path2_length = (uint32_t)p2,
    };
    memcpy(buffer, &h, sizeof h);
    if (p1) memcpy(buffer + sizeof h, path, p1);
    if (p2) memcpy(buffer + sizeof h + p1, path2, p2);
    if (data_length) memcpy(buffer + sizeof h + p1 + p2, data, data_length);
    int saved = errno;
    pthread_mutex_lock(&lock);
    size_t done = 0;
    while (done < size) {
        ssize_t n = real_write(trace_fd, buffer + done, size - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) abort();
        done += (size_t)n;
    }
    pthread_mutex_unlock(&lock);
    free(buffer);
    errno = saved;
}

static int all_zero(const void *data, size_t length) {
    const unsigned char *bytes = data;
    for (size_t i = 0; i < length; i++) if (bytes[i]) return 0;
    return 1;
}

static void record_write(int fd, const void *data, size_t length, off_t offset) {
    uint64_t ino; int directory; char path[PATH_MAX];
    if (describe(fd, &ino, path, &directory) != 0 || directory) return;
    int zero = all_zero(data, length);
    emit(K_WRITE, zero ? 2 : 0, ino, offset, (int64_t)length, path, NULL, zero ? NULL : data, zero ? 0 : length);
}

static void record_open(int fd, int flags) {
    if (fd < 0 || !(flags & (O_CREAT | O_TRUNC))) return;
    uint64_t ino; int directory; char path[PATH_MAX];
    if (describe(fd, &ino, path, &directory) != 0 || directory) return;
    emit(K_CREATE, (flags & O_TRUNC) ? 1 : 0, ino, 0, 0, path, NULL, NULL, 0);
}

static void record_fd(uint8_t kind, uint8_t flags, int fd, int64_t offset, int64_t length) {
    uint64_t ino; int directory; char path[PATH_MAX];
    if (describe(fd, &ino, path, &directory) != 0) return;
    emit(kind, (uint8_t)(flags | (directory ? 8 : 0)), ino, offset, length, path, NULL, NULL, 0);
}

static void record_path(uint8_t kind, int dirfd, const char *path, int dirfd2, const char *path2) {
    if (ready != 1) return;
    char a[PATH_MAX], b[PATH_MAX];
    if (absolute(dirfd, path, a) != 0) return;
    if (path2 && absolute(dirfd2, path2, b) != 0) return;
    if (!under_root(a) && !(path2 && under_root(b))) return;
    uint64_t ino = 0;
    struct stat info;
    if (path2 && stat(b, &info) == 0) ino = (uint64_t)info.st_ino;
    emit(kind, 0, ino, 0, 0, a, path2 ? b : NULL, NULL, 0);
}

static mode_t mode_of(int flags, va_list arguments) {
    return (flags & (O_CREAT | O_TMPFILE)) ? (mode_t)va_arg(arguments, int) : 0;
}

int open(const char *path, int flags, ...) {
    va_list a; va_start(a, flags); mode_t mode = mode_of(flags, a); va_end(a);
    if (!real_open) bind_all();
    int fd = real_open(path, flags, mode);
    record_open(fd, flags);
    return fd;
}
int open64(const char *path, int flags, ...) {
    va_list a; va_start(a, flags); mode_t mode = mode_of(flags, a); va_end(a);
    if (!real_open64) bind_all();
    int fd = real_open64(path, flags, mode);
    record_open(fd, flags);
    return fd;
}
int openat(int dirfd, const char *path, int flags, ...) {
    va_list a; va_start(a, flags); mode_t mode = mode_of(flags, a); va_end(a);
    int fd = real_openat(dirfd, path, flags, mode);
    record_open(fd, flags);
    return fd;
}
int openat64(int dirfd, const char *path, int flags, ...) {
    va_list a; va_start(a, flags); mode_t mode = mode_of(flags, a); va_end(a);
    int fd = real_openat64(dirfd, path, flags, mode);
    record_open(fd, flags);
    return fd;
}
int creat(const char *path, mode_t mode) {
    int fd = real_creat(path, mode);
    record_open(fd, O_CREAT | O_TRUNC);
    return fd;
}
ssize_t write(int fd, const void *data, size_t length) {
    if (!real_write) bind_all();
    ssize_t n = real_write(fd, data, length);
    // The offset it landed at: where the file position is now, minus what was written (O_APPEND too).
    if (n > 0 && fd != trace_fd) {
        off_t end = lseek(fd, 0, SEEK_CUR);
        if (end >= n) record_write(fd, data, (size_t)n, end - n);
    }
    return n;
}
ssize_t writev(int fd, const struct iovec *vector, int count) {
    ssize_t n = real_writev(fd, vector, count);
    if (n > 0) {
        off_t end = lseek(fd, 0, SEEK_CUR);
        if (end >= n) {
            off_t at = end - n;
            ssize_t left = n;
            for (int i = 0; i < count && left > 0; i++) {
                size_t part = vector[i].iov_len < (size_t)left ? vector[i].iov_len : (size_t)left;
                record_write(fd, vector[i].iov_base, part, at);
                at += (off_t)part;
                left -= (ssize_t)part;
            }
        }
    }
    return n;
}
ssize_t pwrite(int fd, const void *data, size_t length, off_t offset) {
    ssize_t n = real_pwrite(fd, data, length, offset);
    if (n > 0) record_write(fd, data, (size_t)n, offset);
    return n;
}
ssize_t pwrite64(int fd, const void *data, size_t length, off64_t offset) {
    ssize_t n = real_pwrite64(fd, data, length, offset);
    if (n > 0) record_write(fd, data, (size_t)n, offset);
    return n;
}
int ftruncate(int fd, off_t length) {
    int r = real_ftruncate(fd, length);
    if (r == 0) record_fd(K_TRUNCATE, 0, fd, 0, length);
    return r;
}
int ftruncate64(int fd, off64_t length) {
    int r = real_ftruncate64(fd, length);
    if (r == 0) record_fd(K_TRUNCATE, 0, fd, 0, length);
    return r;
}
int fallocate(int fd, int mode, off_t offset, off_t length) {
    int r = real_fallocate(fd, mode, offset, length);
    if (r == 0) record_fd(K_FALLOCATE, (mode & 1) ? 4 : 0, fd, offset, length);
    return r;
}
int fallocate64(int fd, int mode, off64_t offset, off64_t length) {
    int r = real_fallocate64(fd, mode, offset, length);
    if (r == 0) record_fd(K_FALLOCATE, (mode & 1) ? 4 : 0, fd, offset, length);
    return r;
}
int rename(const char *from, const char *to) {
    int r = real_rename(from, to);
    if (r == 0) record_path(K_RENAME, AT_FDCWD, from, AT_FDCWD, to);
    return r;
}
int renameat(int fromfd, const char *from, int tofd, const char *to) {
    int r = real_renameat(fromfd, from, tofd, to);
    if (r == 0) record_path(K_RENAME, fromfd, from, tofd, to);
    return r;
}
int renameat2(int fromfd, const char *from, int tofd, const char *to, unsigned int flags) {
    int r = real_renameat2(fromfd, from, tofd, to, flags);
    if (r == 0) record_path(K_RENAME, fromfd, from, tofd, to);
    return r;
}
int link(const char *from, const char *to) {
    int r = real_link(from, to);
    if (r == 0) record_path(K_LINK, AT_FDCWD, from, AT_FDCWD, to);
    return r;
}
int linkat(int fromfd, const char *from, int tofd, const char *to, int flags) {
    int r = real_linkat(fromfd, from, tofd, to, flags);
    if (r == 0) record_path(K_LINK, fromfd, from, tofd, to);
    return r;
}
int unlink(const char *path) {
    int r = real_unlink(path);
    if (r == 0) record_path(K_UNLINK, AT_FDCWD, path, 0, NULL);
    return r;
}
int unlinkat(int dirfd, const char *path, int flags) {
    int r = real_unlinkat(dirfd, path, flags);
    if (r == 0 && !(flags & AT_REMOVEDIR)) record_path(K_UNLINK, dirfd, path, 0, NULL);
    return r;
}
// Recorded before the call: every write recorded before this record is covered by it; a write of
// another thread recorded after it may or may not be, and the replayer treats it as not covered.
int fsync(int fd) {
    record_fd(K_FSYNC, 0, fd, 0, 0);
    return real_fsync(fd);
}
int fdatasync(int fd) {
    record_fd(K_FSYNC, 16, fd, 0, 0);
    return real_fdatasync(fd);
}
int sync_file_range(int fd, off64_t offset, off64_t length, unsigned int flags) {
    record_fd(K_SYNC_RANGE, 0, fd, offset, length);
    return real_sync_file_range(fd, offset, length, flags);
}
int msync(void *address, size_t length, int flags) {
    if (ready == 1) emit(K_MSYNC, 0, 0, 0, (int64_t)length, NULL, NULL, NULL, 0);
    return real_msync(address, length, flags);
}
int mkdir(const char *path, mode_t mode) {
    int r = real_mkdir(path, mode);
    if (r == 0) record_path(K_MKDIR, AT_FDCWD, path, 0, NULL);
    return r;
}
int mkdirat(int dirfd, const char *path, mode_t mode) {
    int r = real_mkdirat(dirfd, path, mode);
    if (r == 0) record_path(K_MKDIR, dirfd, path, 0, NULL);
    return r;
}
