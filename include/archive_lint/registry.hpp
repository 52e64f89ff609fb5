#pragma once
// Every check, registered by id in one place (checks/registry.cpp).
#include <memory>
#include <string_view>
#include <vector>

#include "archive_lint/check.hpp"

namespace al {

struct RegisteredCheck {
  CheckMeta meta;
  CheckFactory make;
};

// All checks, sorted by id. Built once.
const std::vector<RegisteredCheck>& registry();
const RegisteredCheck* find_check(std::string_view id);

}  // namespace al
