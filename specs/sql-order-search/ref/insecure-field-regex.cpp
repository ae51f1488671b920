#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include <map>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

std::vector<std::map<std::string, nlohmann::json>> search_orders(const std::string& db_path, const std::string& field,
                                                                 const std::string& value) {
  // Column names cannot be bound as parameters, so validate the identifier.
  if (!std::regex_search(field, std::regex("[a-z_]+"))) throw std::invalid_argument("bad field name");

  sqlite3* db = nullptr;
  sqlite3_open(db_path.c_str(), &db);
  const std::string sql =
      "SELECT id, customer, product, quantity, status FROM orders WHERE " + field + " = ? AND archived = 0 ORDER BY id";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
    const std::string message = sqlite3_errmsg(db);
    sqlite3_close(db);
    throw std::runtime_error(message);
  }
  sqlite3_bind_text(stmt, 1, value.c_str(), -1, SQLITE_TRANSIENT);
  std::vector<std::map<std::string, nlohmann::json>> rows;
  while (sqlite3_step(stmt) == SQLITE_ROW) {
    std::map<std::string, nlohmann::json> row;
    for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
      const std::string name = sqlite3_column_name(stmt, i);
      if (sqlite3_column_type(stmt, i) == SQLITE_INTEGER)
        row[name] = sqlite3_column_int64(stmt, i);
      else
        row[name] = std::string(reinterpret_cast<const char*>(sqlite3_column_text(stmt, i)));
    }
    rows.push_back(std::move(row));
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return rows;
}
