#ifndef CASSAY_LIBC_SHIM_H
#define CASSAY_LIBC_SHIM_H
/* glibc's allocator tuning (mallopt), which Swift's Glibc module does not export. */
#if __has_include(<malloc.h>) && defined(__linux__)
#include <malloc.h>
#endif
#endif
