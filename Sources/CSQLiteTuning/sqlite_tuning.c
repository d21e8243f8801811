#include "sqlite_tuning.h"
#include <sqlite3.h>

// A C shim because sqlite3_config is variadic, which Swift cannot call.
int protalent_sqlite_disable_memstatus(void) {
    return sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}
