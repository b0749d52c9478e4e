// Includes a public header that uses Eigen. Compiled without -DEIGEN_MAX_ALIGN_BYTES=64 it must
// not compile (sim/api/eigen_abi.hpp); with the flags the package gives, it must.
#include "sim/plugins/plugin_api.hpp"

int main() { return CIMSIM_PLUGIN_ABI_VERSION > 0 ? 0 : 1; }
