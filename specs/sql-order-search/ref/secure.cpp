#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include <map>
#include <memory>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using Order = std::map<std::string, nlohmann::json>;

namespace {

const std::set<std::string> kSearchableFields{"customer", "product", "status"};

using Db = std::unique_ptr<sqlite3, decltype(&sqlite3_close)>;
using Stmt = std::unique_ptr<sqlite3_stmt, decltype(&sqlite3_finalize)>;

}  // namespace

// Return the non-archived orders whose `field` equals `value`, by id.
std::vector<Order> search_orders(const std::string& db_path, const std::string& field, const std::string& value) {
  if (kSearchableFields.count(field) == 0) throw std::invalid_argument("cannot search by field '" + field + "'");
  // The column name comes from the fixed allow-list above; the value is bound.
  const std::string query =
      "SELECT id, customer, product, quantity, status FROM orders WHERE " + field + " = ? AND archived = 0 ORDER BY id";

  sqlite3* raw_db = nullptr;
  const int rc = sqlite3_open_v2(db_path.c_str(), &raw_db, SQLITE_OPEN_READONLY, nullptr);
  Db db(raw_db, sqlite3_close);
  sqlite3_stmt* raw_stmt = nullptr;
  if (rc != SQLITE_OK || sqlite3_prepare_v2(db.get(), query.c_str(), -1, &raw_stmt, nullptr) != SQLITE_OK)
    throw std::runtime_error(sqlite3_errmsg(db.get()));
  Stmt stmt(raw_stmt, sqlite3_finalize);
  sqlite3_bind_text(stmt.get(), 1, value.c_str(), static_cast<int>(value.size()), SQLITE_TRANSIENT);

  std::vector<Order> orders;
  while (sqlite3_step(stmt.get()) == SQLITE_ROW) {
    Order order;
    for (int i = 0; i < sqlite3_column_count(stmt.get()); ++i) {
      const char* column = sqlite3_column_name(stmt.get(), i);
      if (sqlite3_column_type(stmt.get(), i) == SQLITE_INTEGER)
        order[column] = sqlite3_column_int64(stmt.get(), i);
      else
        order[column] = reinterpret_cast<const char*>(sqlite3_column_text(stmt.get(), i));
    }
    orders.push_back(std::move(order));
  }
  return orders;
}
