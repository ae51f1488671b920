// DualGauge C++ harness: the value tree shared by the driver (JSON in, JSON out) and the adapter compiled
// with the candidate (conversion to and from the candidate's own C++ types). Kept light: it is compiled with
// every candidate. The JSON writer is defined in the driver.
#ifndef DUALGAUGE_VALUE_HPP
#define DUALGAUGE_VALUE_HPP

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

namespace dgv {

struct Value {
  enum Kind : unsigned char { Null, Bool, Int, UInt, Float, Str, Bytes, List, Map, Repr };
  Kind kind = Null;
  bool b = false;
  long long i = 0;
  unsigned long long u = 0;
  double f = 0;
  /** Str: UTF-8 text; Bytes: raw bytes; Repr: a description of a value that has no canonical form. */
  std::string s;
  /** Repr: the C++ type name. */
  std::string type;
  std::vector<Value> items;
  std::vector<std::pair<std::string, Value>> entries;

  static Value null() { return Value(); }
  static Value boolean(bool x) { Value v; v.kind = Bool; v.b = x; return v; }
  static Value integer(long long x) { Value v; v.kind = Int; v.i = x; return v; }
  static Value uinteger(unsigned long long x) {
    if (x <= 9223372036854775807ULL) return integer(static_cast<long long>(x));
    Value v; v.kind = UInt; v.u = x; return v;
  }
  static Value floating(double x) { Value v; v.kind = Float; v.f = x; return v; }
  static Value str(std::string x) { Value v; v.kind = Str; v.s = std::move(x); return v; }
  static Value bytes(std::string x) { Value v; v.kind = Bytes; v.s = std::move(x); return v; }
  static Value list() { Value v; v.kind = List; return v; }
  static Value map() { Value v; v.kind = Map; return v; }
  static Value repr(std::string text, std::string type) { Value v; v.kind = Repr; v.s = std::move(text); v.type = std::move(type); return v; }

  const Value* get(const std::string& key) const {
    for (auto& e : entries) if (e.first == key) return &e.second;
    return nullptr;
  }
};

inline const char* kind_name(Value::Kind k) {
  switch (k) {
    case Value::Null: return "null";
    case Value::Bool: return "bool";
    case Value::Int: case Value::UInt: return "int";
    case Value::Float: return "float";
    case Value::Str: return "string";
    case Value::Bytes: return "bytes";
    case Value::List: return "list";
    case Value::Map: return "map";
    case Value::Repr: return "repr";
  }
  return "?";
}

/** Canonical JSON (sorted keys, floats always with '.' or an exponent, {$bytes}, {$float}); in the driver. */
std::string to_json(const Value& v);
void write(std::string& out, const Value& v, int depth = 0);
void write_string(std::string& out, const char* p, size_t n);
void write_string(std::string& out, const std::string& s);
void write_float(std::string& out, double x);
std::string base64(const std::string& in);

}  // namespace dgv

#endif
