// Ideal cells: every device holds its target conductance exactly, reads are noiseless. The
// reference against which every non-ideality is measured.

#include "models/cells/cell_model.hpp"

namespace cimsim::models {

namespace {

class IdealCell final : public CellModel {
 public:
  explicit IdealCell(const config::Params& p)
      : window_(ConductanceWindow::from(p)), area_f2_(p.real("area_f2")) {}

  double g_min_us() const override { return window_.g_min_us; }
  double g_max_us() const override { return window_.g_max_us; }
  int max_bits_per_cell() const override { return 8; }
  ArrayDevices program(const Eigen::MatrixXf& target_us, const ArrayKey&, double) const override {
    ArrayDevices out;
    out.g_us = target_us;
    return out;
  }
  double area_f2() const override { return area_f2_; }

 private:
  ConductanceWindow window_;
  double area_f2_;
};

config::SectionSpec spec() {
  config::SectionSpec s("ideal", "");
  declare_conductance_window(s, 0.0, 25.0, "PCM range of Joshi et al., Nat. Commun. 2020");
  s.real("area_f2", 25, "F^2", "Cell footprint; typical 1T1R PCM cells take 25-50 F^2").above(0);
  return s;
}

const bool registered = config::register_model<CellModel>(
    {"ideal", "Exact target conductances, noiseless reads", spec(),
     [](const config::Params& p) { return std::make_unique<IdealCell>(p); }, ""});

}  // namespace
}  // namespace cimsim::models
