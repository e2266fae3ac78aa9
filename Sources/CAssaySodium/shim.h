#ifndef CASSAY_SODIUM_SHIM_H
#define CASSAY_SODIUM_SHIM_H
#include <sodium.h>
#endif
