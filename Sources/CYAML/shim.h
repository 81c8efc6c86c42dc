#ifndef NEIGHSYNC_CYAML_SHIM_H
#define NEIGHSYNC_CYAML_SHIM_H
#include <yaml.h>
#endif
