#include "models/cells/cell_model.hpp"

#include "sim/config/schema.hpp"

namespace cimsim::models {

namespace {

config::SectionSpec cell_section() {
  config::SectionSpec s("cell", "The memory device in every array: its conductances, non-idealities and cost");
  s.order(60).presets("cells").models(&CellRegistry::instance(), "ideal");
  return s;
}
const config::SectionRegistrar registered(cell_section);

}  // namespace

void declare_conductance_window(config::SectionSpec& spec, double g_min_us, double g_max_us,
                                const std::string& source) {
  spec.real("g_min_us", g_min_us, "uS", "Conductance of digit 0 (" + source + ")").at_least(0);
  spec.real("g_max_us", g_max_us, "uS", "Conductance of the top digit (" + source + ")").above(0);
}

ConductanceWindow ConductanceWindow::from(const config::Params& p) {
  ConductanceWindow w{p.real("g_min_us"), p.real("g_max_us")};
  if (w.g_max_us <= w.g_min_us)
    p.fail("g_max_us", "must exceed g_min_us (" + config::format_value(w.g_min_us) + " uS)");
  return w;
}

}  // namespace cimsim::models
