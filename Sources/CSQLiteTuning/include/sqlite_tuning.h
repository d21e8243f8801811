#ifndef PROTALENT_SQLITE_TUNING_H
#define PROTALENT_SQLITE_TUNING_H

/// Turns off SQLite's memory-usage statistics (SQLITE_CONFIG_MEMSTATUS). With them on, every
/// allocation and free in every connection takes one process-wide mutex, so read models built in
/// parallel spend their time waiting on each other. Only effective before SQLite initializes
/// (before the first connection opens); returns SQLite's result code (SQLITE_MISUSE after that).
int protalent_sqlite_disable_memstatus(void);

#endif
