#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace al {

struct Preset {
  std::string name;
  std::string summary;
  std::string yaml;
};

const std::vector<Preset>& presets();
const Preset* find_preset(std::string_view name);

}  // namespace al
