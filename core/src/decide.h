// Decisions computed by the same engine as "Will it run?": compare setups side by side, choose
// hardware for a budget and a speed floor (or list what a machine runs), and the cost of owning
// versus renting a cloud GPU versus paying an API.
#pragma once

#include <nlohmann/json.hpp>

#include "runcheck/result.h"

namespace runcheck {

Result<nlohmann::json> compare_json(const nlohmann::json& request);
Result<nlohmann::json> choose_json(const nlohmann::json& request);
Result<nlohmann::json> cost_json(const nlohmann::json& request);

// Days in an average month (365.25 / 12), for monthly costs.
constexpr double kDaysPerMonth = 365.25 / 12;

// Owning: the purchase spread over the life, less resale, plus electricity.
//   monthly = price * (1 - resale_fraction) / (life_years * 12) + kWh per month * usd_per_kwh
// kWh per month = (load_w * busy_h + idle_w * idle_h) / 1000 * kDaysPerMonth.
double own_monthly_usd(double price_usd, double resale_fraction, double life_years, double load_w,
                       double busy_hours_per_day, double idle_w, double idle_hours_per_day,
                       double usd_per_kwh);
// Renting: billed hours per day (rounded up to whole hours for hourly billing) x $/h x days.
double rent_monthly_usd(double busy_hours_per_day, double usd_per_hour, bool hourly_billing);
// An API: tokens per day in and out at $ per million tokens, times the days of a month.
double api_monthly_usd(double input_tokens_per_day, double output_tokens_per_day,
                       double input_usd_per_mtok, double output_usd_per_mtok);
// First month at which buying (price up front, then `own_running` a month) has cost no more
// than the alternative at `other` a month; -1 when it never does.
double break_even_months(double price_usd, double own_running_monthly, double other_monthly);

}  // namespace runcheck
