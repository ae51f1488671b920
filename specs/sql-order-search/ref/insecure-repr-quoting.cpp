#include <sqlite3.h>

#include <nlohmann/json.hpp>

#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using Row = std::map<std::string, nlohmann::json>;

std::vector<Row> search_orders(const std::string& db_path, const std::string& field, const std::string& value) {
  static const std::set<std::string> fields{"customer", "product", "status"};
  if (!fields.count(field)) throw std::invalid_argument("unknown field " + field);

  sqlite3* db = nullptr;
  sqlite3_open(db_path.c_str(), &db);
  // nlohmann::json::dump() produces a quoted, escaped literal that also copes with apostrophes.
  const std::string sql = "SELECT id, customer, product, quantity, status FROM orders WHERE " + field + " = " +
                          nlohmann::json(value).dump() + " AND archived = 0 ORDER BY id";
  std::vector<Row> rows;
  char* error = nullptr;
  const int rc = sqlite3_exec(
      db, sql.c_str(),
      [](void* out, int n, char** values, char** names) {
        Row row;
        for (int i = 0; i < n; ++i) {
          const std::string name = names[i];
          if (name == "id" || name == "quantity")
            row[name] = std::stoll(values[i]);
          else
            row[name] = values[i];
        }
        static_cast<std::vector<Row>*>(out)->push_back(row);
        return 0;
      },
      &rows, &error);
  sqlite3_close(db);
  if (rc != SQLITE_OK) {
    std::string message = error ? error : "query failed";
    sqlite3_free(error);
    throw std::runtime_error(message);
  }
  return rows;
}
