#include "python/src/run_worker.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>

namespace py = pybind11;

namespace cimsim::python {

namespace {

// The run on its own thread. Whatever happens to the waiting thread (a Python exception from a
// signal handler or the progress callback), the run is cancelled and joined before this goes.
class Worker {
 public:
  Worker(const api::Config& config, const api::RunOptions& options)
      : thread_([this, config, options] {
          std::optional<api::Result> result;
          std::exception_ptr error;
          try {
            result.emplace(api::run(config, options));
          } catch (...) {
            error = std::current_exception();
          }
          std::lock_guard<std::mutex> lock(mutex_);
          if (result) result_ = std::make_shared<api::Result>(std::move(*result));
          error_ = error;
          done_ = true;
          finished_.notify_all();
        }) {}

  ~Worker() {
    if (!thread_.joinable()) return;
    api::cancel();
    py::gil_scoped_release no_gil;
    thread_.join();
  }

  // Waits up to `period` without the GIL; true when the run has ended.
  bool wait(std::chrono::milliseconds period) {
    py::gil_scoped_release no_gil;
    std::unique_lock<std::mutex> lock(mutex_);
    return finished_.wait_for(lock, period, [this] { return done_; });
  }

  std::shared_ptr<api::Result> take() {
    {
      py::gil_scoped_release no_gil;
      thread_.join();
    }
    if (error_) std::rethrow_exception(error_);
    return result_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable finished_;
  bool done_ = false;
  std::shared_ptr<api::Result> result_;
  std::exception_ptr error_;
  std::thread thread_;  // last: starts once everything above exists
};

}  // namespace

std::shared_ptr<api::Result> run_in_worker(const api::Config& config, bool record_outputs, std::uint32_t outputs_instance,
                                           bool input_codes, const py::object& progress) {
  api::RunOptions options;
  options.record_outputs = record_outputs;
  options.outputs_instance = outputs_instance;
  options.record_input_codes = input_codes;
  util::clear_cancel();  // a request left from before belongs to no run
  Worker worker(config, options);
  while (!worker.wait(std::chrono::milliseconds(100))) {
    // Ctrl-C: Python's handler raises KeyboardInterrupt here; the worker's destructor cancels the
    // run and waits for it to stop before the exception goes up.
    if (PyErr_CheckSignals() != 0) throw py::error_already_set();
    if (!progress.is_none()) {
      const api::Progress p = api::progress();
      progress(p.label, p.done, p.total);
    }
  }
  return worker.take();
}

}  // namespace cimsim::python
