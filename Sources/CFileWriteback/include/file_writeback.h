#ifndef PROTALENT_FILE_WRITEBACK_H
#define PROTALENT_FILE_WRITEBACK_H

/// Asks the kernel to start writing the dirty pages of the open file `fd` to disk, without
/// waiting for them (Linux `sync_file_range` with `SYNC_FILE_RANGE_WRITE`), so that a later
/// fsync has less left to wait for. Returns 0, or -1 with errno set; elsewhere than Linux it does
/// nothing and returns 0.
int protalent_start_writeback(int fd);

#endif
