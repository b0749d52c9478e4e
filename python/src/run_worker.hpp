#pragma once
// Running a config from Python: the engines run on a worker thread while the calling thread waits
// without the GIL, wakes about ten times a second to report progress and to let Python's signal
// handlers run, and cancels the run when one of them raises (Ctrl-C: KeyboardInterrupt).

#include <pybind11/pybind11.h>

#include <memory>

#include "sim/api/cimsim.hpp"

namespace cimsim::python {

// progress: None, or a callable progress(label, done, total).
std::shared_ptr<api::Result> run_in_worker(const api::Config& config, bool record_outputs, std::uint32_t outputs_instance,
                                           bool input_codes, const pybind11::object& progress);

}  // namespace cimsim::python
