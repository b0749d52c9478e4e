#include "sim/config/describe.hpp"

#include <fmt/format.h>

#include "sim/config/error.hpp"
#include "sim/config/schema.hpp"
#include "sim/config/suggest.hpp"

namespace cimsim::config {

namespace {

std::string unit_text(const ParamSpec& p) { return p.unit.empty() ? "-" : p.unit; }

void text_params(std::string& out, const std::vector<ParamSpec>& params, const std::string& indent) {
  std::size_t width = 4;
  for (const auto& p : params) width = std::max(width, p.name.size());
  for (const auto& p : params) {
    out += fmt::format("{}{:<{}}  {} = {}  [{}]", indent, p.name, width, p.type_name(),
                       p.default_text(), unit_text(p));
    const std::string range = p.range_text();
    if (!range.empty()) out += std::string("  ") + (p.type == ParamType::Choice ? "one of " : "range ") + range;
    out += "\n" + indent + std::string(width + 2, ' ') + p.help + "\n";
  }
}

void text_section(std::string& out, const SectionSpec& s, const std::string& path, bool with_models,
                  const std::string& indent) {
  out += indent + path + ": " + s.help() + "\n";
  if (!s.preset_dir().empty())
    out += indent + "  (accepts 'preset: NAME', from configs/" + s.preset_dir() + "/NAME.yaml)\n";
  text_params(out, s.params(), indent + "  ");
  for (const auto& c : s.children()) text_section(out, c, path + "." + c.name(), with_models, indent + "  ");
  for (const auto& k : s.keyed_maps()) {
    out += indent + "  " + k.name + ": map of NAME -> section; " + k.help + "\n";
    text_params(out, k.spec->params(), indent + "    ");
  }
  if (const ModelCatalog* cat = s.catalog()) {
    out += indent + "  model: choice = " + s.default_model() + "  one of";
    for (const auto& m : cat->model_names()) out += " " + m;
    out += "\n";
    if (with_models) {
      for (const auto& m : cat->model_names()) {
        out += indent + "  model " + m + " (" + cat->model_origin(m) + "): " + cat->model_help(m) + "\n";
        text_params(out, cat->model_spec(m)->params(), indent + "    ");
      }
    } else {
      out += indent + "  (run 'cimsim describe " + path + "' for each model's parameters)\n";
    }
  }
}

std::string md_escape(std::string s) {
  std::string out;
  for (char c : s) {
    if (c == '|') out += "\\|";
    else out += c;
  }
  return out;
}

void md_params(std::string& out, const std::vector<ParamSpec>& params) {
  if (params.empty()) {
    out += "(no parameters)\n\n";
    return;
  }
  out += "| key | type | default | unit | allowed | meaning |\n|---|---|---|---|---|---|\n";
  for (const auto& p : params)
    out += fmt::format("| `{}` | {} | {} | {} | {} | {} |\n", p.name, p.type_name(),
                       md_escape(p.default_text()), unit_text(p), md_escape(p.range_text()),
                       md_escape(p.help));
  out += "\n";
}

void md_section(std::string& out, const SectionSpec& s, const std::string& path, int level) {
  out += std::string(level, '#') + " `" + path + "`\n\n" + s.help() + "\n\n";
  if (!s.preset_dir().empty())
    out += "Accepts `preset: NAME`, loaded from `configs/" + s.preset_dir() + "/NAME.yaml`.\n\n";
  md_params(out, s.params());
  for (const auto& c : s.children()) md_section(out, c, path + "." + c.name(), level + 1);
  for (const auto& k : s.keyed_maps()) {
    out += std::string(level + 1, '#') + " `" + path + "." + k.name + ".NAME`\n\n" + k.help +
           " Only the keys given override the section's values.\n\n";
    md_params(out, k.spec->params());
  }
  if (const ModelCatalog* cat = s.catalog()) {
    out += "`model` picks one of the registered models (default `" + s.default_model() + "`); its "
           "parameters join the section's.\n\n";
    for (const auto& m : cat->model_names()) {
      out += std::string(level + 1, '#') + " `" + path + "` model `" + m + "`\n\n" + cat->model_help(m) + "\n\n";
      md_params(out, cat->model_spec(m)->params());
    }
  }
}

}  // namespace

std::string describe_text(const std::string& what) {
  const Schema& schema = Schema::global();
  std::string out;
  if (what.empty()) {
    for (const auto& s : schema.sections()) {
      text_section(out, *s, s->name(), false, "");
      out += "\n";
    }
    return out;
  }
  const std::size_t dot = what.find('.');
  const std::string section = what.substr(0, dot);
  const SectionSpec* s = schema.find(section);
  if (!s)
    throw ConfigError({"<command line>", 0, 0}, section,
                      "no such section" + did_you_mean(section, schema.names()));
  if (dot == std::string::npos) {
    text_section(out, *s, section, true, "");
    return out;
  }
  const std::string model = what.substr(dot + 1);
  const ModelCatalog* cat = s->catalog();
  const SectionSpec* m = cat ? cat->model_spec(model) : nullptr;
  if (!m)
    throw ConfigError({"<command line>", 0, 0}, what,
                      "no such model in section '" + section + "'" +
                          (cat ? did_you_mean(model, cat->model_names()) : std::string()));
  out += section + " model " + model + " (" + cat->model_origin(model) + "): " + cat->model_help(model) + "\n";
  text_params(out, m->params(), "  ");
  return out;
}

std::string describe_markdown() {
  std::string out =
      "# Configuration reference\n\n"
      "Generated from the parameter declarations by `cimsim describe --markdown`; do not edit by "
      "hand. Units are part of each key's name. Every key is checked: an unknown key, a wrong "
      "type or a value out of range stops the run with the file, line and column.\n\n";
  for (const auto& s : Schema::global().sections()) md_section(out, *s, s->name(), 2);
  return out;
}

}  // namespace cimsim::config
