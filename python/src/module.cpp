// The extension module cimsim._cimsim: the library's in-process API (sim/api/cimsim.hpp) for the
// pure-Python package around it (python/cimsim/). Runs go to a worker thread so that the calling
// thread can give up the GIL, notice Ctrl-C (a KeyboardInterrupt cancels the run and is raised
// once the run has stopped) and draw progress; layer outputs become numpy arrays over the
// result's own buffers, without copies.

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdlib>
#include <sstream>

#include "python/src/run_worker.hpp"
#include "python/src/warnings.hpp"
#include "sim/api/cimsim.hpp"
#include "sim/sweep/metrics.hpp"
#include "sim/sweep/points.hpp"
#include "sim/sweep/runner.hpp"
#include "sim/sweep/store.hpp"
#include "sim/util/allocator.hpp"

namespace py = pybind11;
using namespace cimsim;

namespace {

// ConfigError and InputError become the package's exception classes (cimsim/_errors.py), with the
// place of the mistake as attributes; a cancelled run becomes KeyboardInterrupt.
void translate(std::exception_ptr p) {
  try {
    if (p) std::rethrow_exception(p);
  } catch (const config::ConfigError& e) {
    const py::object cls = py::module_::import("cimsim._errors").attr("ConfigError");
    const py::object error = cls(e.what(), e.where().file, e.where().line, e.where().column, e.key(), e.message());
    PyErr_SetObject(cls.ptr(), error.ptr());
  } catch (const config::InputError& e) {
    const py::object cls = py::module_::import("cimsim._errors").attr("InputError");
    PyErr_SetObject(cls.ptr(), cls(e.what()).ptr());
  } catch (const util::Cancelled&) {
    PyErr_SetNone(PyExc_KeyboardInterrupt);
  }
}

// A read-only numpy array over `data`, kept alive by `owner` (the Result).
template <class T>
py::array view(const std::vector<T>& data, std::vector<py::ssize_t> shape, const py::object& owner) {
  py::array a(py::dtype::of<T>(), std::move(shape), {}, data.data(), owner);
  py::detail::array_proxy(a.ptr())->flags &= ~py::detail::npy_api::NPY_ARRAY_WRITEABLE_;
  return a;
}

std::vector<py::ssize_t> with_samples(std::int64_t samples, const std::vector<std::int64_t>& shape) {
  std::vector<py::ssize_t> s{static_cast<py::ssize_t>(samples)};
  for (auto d : shape) s.push_back(static_cast<py::ssize_t>(d));
  return s;
}

// One recorded layer as a dict of plain values and arrays (the package wraps it).
py::dict layer_dict(const api::LayerOutput& o, const py::object& owner) {
  py::dict d;
  d["name"] = o.name;
  d["op"] = o.op;
  d["on_arrays"] = o.on_arrays;
  d["activation"] = o.activation;
  d["clip"] = py::make_tuple(o.clip_min, o.clip_max);
  d["shape"] = py::tuple(py::cast(o.shape));
  d["values"] = view(o.values, with_samples(o.samples, o.shape), owner);
  if (!o.on_arrays) return d;
  const std::vector<py::ssize_t> per_vector{static_cast<py::ssize_t>(o.samples), static_cast<py::ssize_t>(o.vectors),
                                            static_cast<py::ssize_t>(o.out_features)};
  if (!o.products.empty()) d["products"] = view(o.products, per_vector, owner);
  if (!o.scaled_products.empty()) d["products"] = view(o.scaled_products, per_vector, owner);
  d["integral"] = o.scaled_products.empty();
  if (!o.input_codes.empty())
    d["input_codes"] = view(o.input_codes, {per_vector[0], per_vector[1], static_cast<py::ssize_t>(o.in_features)}, owner);
  d["weights"] = view(o.weights, {static_cast<py::ssize_t>(o.out_features), static_cast<py::ssize_t>(o.in_features)}, owner);
  d["weight_scale"] = view(o.weight_scale, {static_cast<py::ssize_t>(o.weight_scale.size())}, owner);
  d["input_scale"] = o.input_scale;
  d["input_zero_point"] = o.input_zero_point;
  d["bias"] = view(o.bias, {static_cast<py::ssize_t>(o.bias.size())}, owner);
  return d;
}

}  // namespace

PYBIND11_MODULE(_cimsim, m) {
  m.doc() = "cimsim's library in this process; use the cimsim package, not this module.";
  // As the command does: keep freed memory for the next allocation, no SystemC banner.
  util::keep_freed_memory();
  setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
  python::collect_warnings();
  py::register_exception_translator(&translate);

  m.def("version", &api::version);

  py::class_<api::Config>(m, "Config")
      .def_static("from_file", &api::Config::from_file, py::arg("path"), py::arg("sets"))
      .def_static("from_text", &api::Config::from_text, py::arg("yaml"), py::arg("origin"), py::arg("sets"))
      .def("resolved_yaml", &api::Config::resolved_yaml)
      .def_property_readonly("source", &api::Config::source)
      .def_property_readonly("output_dir", &api::Config::output_dir);

  py::class_<api::Result, std::shared_ptr<api::Result>>(m, "Result")
      .def_property_readonly("report_json", &api::Result::report_json)
      .def("layers_csv", &api::Result::layers_csv)
      .def("wallclock_json", &api::Result::wallclock_json)
      .def("resolved_yaml", &api::Result::resolved_yaml)
      .def("console_summary", &api::Result::console_summary, py::arg("output_dir"))
      .def("write", &api::Result::write, py::arg("dir"), py::call_guard<py::gil_scoped_release>())
      .def_property_readonly("wall_seconds", &api::Result::wall_seconds)
      .def_property_readonly("outputs_instance", &api::Result::outputs_instance)
      .def_property_readonly("labels",
                             [](const std::shared_ptr<api::Result>& r) {
                               return view(r->labels(), {static_cast<py::ssize_t>(r->labels().size())}, py::cast(r));
                             })
      .def("layers", [](const std::shared_ptr<api::Result>& r) {
        py::list out;
        const py::object owner = py::cast(r);
        for (const auto& o : r->outputs()) out.append(layer_dict(o, owner));
        return out;
      });

  m.def("run", &python::run_in_worker, py::arg("config"), py::arg("record_outputs"), py::arg("outputs_instance"),
        py::arg("input_codes"), py::arg("progress"),
        "Runs a config on a worker thread; the calling thread waits without the GIL, calls "
        "progress(label, done, total) about ten times a second and turns Ctrl-C into a cancelled run.");
  m.def("drain_warnings", &python::drain_warnings, "Warnings the library logged since the last call.");

  // Sweeps: checking a sweep file in this process (errors with file, line and key), a store as
  // CSV, a report's metrics named as the store names its columns.
  m.def("check_sweep", [](const std::string& path) {
    const sweep::SweepFile s = sweep::read_sweep_file(path);
    const sweep::Expansion x = sweep::expand(s);
    std::vector<std::string> keys;
    for (const auto& p : s.parameters) keys.push_back(p.key);
    return py::make_tuple(x.points.size(), keys, sweep::default_store(s, sweep::Shard{}));
  });
  m.def("store_csv", [](const std::string& store) {
    std::ostringstream out;
    sweep::Store::open(store, false)->write_csv(out);
    return out.str();
  });
  m.def("report_metrics", [](const std::string& report_json) {
    py::dict out;
    for (const auto& metric : sweep::report_metrics(report_json, "report.json")) {
      if (const auto* i = std::get_if<std::int64_t>(&metric.value)) out[py::str(metric.name)] = *i;
      else if (const auto* d = std::get_if<double>(&metric.value)) out[py::str(metric.name)] = *d;
      else out[py::str(metric.name)] = py::none();
    }
    return out;
  });
}
