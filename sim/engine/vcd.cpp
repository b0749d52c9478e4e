#include "sim/engine/vcd.hpp"

#include <filesystem>
#include <system_error>

namespace cimsim::engine {

VcdTrace::VcdTrace(const std::string& path, Chip& chip) : path_(path), partial_base_(path + ".partial") {
  std::error_code ec;
  const auto parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  // SystemC announces the time unit as an info message; the run's own output says enough.
  sc_core::sc_report_handler::set_actions(sc_core::SC_INFO, sc_core::SC_DO_NOTHING);
  file_ = sc_core::sc_create_vcd_trace_file(partial_base_.c_str());
  file_->set_time_unit(1, sc_core::SC_PS);  // the kernel's resolution: real time
  sc_core::sc_trace(file_, chip.vcd_layer, "layer_running");
  sc_core::sc_trace(file_, chip.vcd_layers_running, "layers_in_flight");
  sc_core::sc_trace(file_, chip.vcd_inferences_done, "inferences_done");
  sc_core::sc_trace(file_, chip.vcd_reprogramming, "reprogramming");
}

VcdTrace::~VcdTrace() {
  if (file_) {
    sc_core::sc_close_vcd_trace_file(file_);
    std::error_code ec;
    std::filesystem::remove(partial_base_ + ".vcd", ec);
  }
}

std::string VcdTrace::close() {
  // Values changed in the last instant are recorded when time moves on: move it one cycle.
  sc_core::sc_start(cycles(1));
  sc_core::sc_close_vcd_trace_file(file_);
  file_ = nullptr;
  std::filesystem::rename(partial_base_ + ".vcd", path_);
  return path_;
}

}  // namespace cimsim::engine
