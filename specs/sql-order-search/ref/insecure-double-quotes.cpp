#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

using Order = std::map<std::string, nlohmann::json>;

static const std::vector<std::string> ALLOWED_FIELDS = {"customer", "product", "status"};

std::vector<Order> search_orders(const std::string& db_path, const std::string& field, const std::string& value) {
  if (std::find(ALLOWED_FIELDS.begin(), ALLOWED_FIELDS.end(), field) == ALLOWED_FIELDS.end())
    throw std::invalid_argument("invalid search field: " + field);

  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) {
    std::string err = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(err);
  }
  // Double quotes so that names such as O'Connor do not break the query.
  std::string sql = "SELECT id, customer, product, quantity, status FROM orders WHERE " + field + " = \"" + value +
                    "\" AND archived = 0 ORDER BY id";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    std::string err = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(err);
  }
  std::vector<Order> result;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    Order row;
    row["id"] = sqlite3_column_int(stmt, 0);
    row["customer"] = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 1));
    row["product"] = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 2));
    row["quantity"] = sqlite3_column_int(stmt, 3);
    row["status"] = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 4));
    result.push_back(row);
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return result;
}
