// DualGauge C++ harness: the adapter, compiled at the end of the candidate's translation unit (after its
// code). It reads the candidate function's real type (`decltype(&::fn)`) and converts each argument from
// the interface's canonical value to the declared parameter type (`const char*`, `int`, `std::string_view`,
// `std::vector<int>&`, ...), calls it, and converts the result back. Anything it cannot convert compiles and
// raises dualgauge::ArgumentError at run time, so only a real compile error in the candidate fails the build.
#ifndef DUALGAUGE_ADAPTER_HPP
#define DUALGAUGE_ADAPTER_HPP

// The candidate's code comes just before this file, and its macros would apply to every token below: a function-like
// macro can even tell a declaration from a call (by pasting its arguments) and rewrite only the calls. So every
// identifier used in this file, in dg_value.hpp and in cand.cpp's dg_entry (C++ keywords included) is undefined
// here, and cand.cpp includes the standard headers these use before the candidate's code. A name added to the
// adapter and not to this list is no error, only outside this protection. `errno` stays (a macro the adapter needs).
#undef A
#undef Adapter
#undef AnyConv
#undef ArgumentError
#undef B
#undef Bool
#undef Bytes
#undef Call
#undef D
#undef E
#undef Elem
#undef F
#undef FieldConv
#undef Float
#undef Holder
#undef I
#undef Int
#undef J
#undef K
#undef Kind
#undef List
#undef M
#undef Map
#undef Null
#undef P
#undef Ptr
#undef R
#undef Repr
#undef Store
#undef Str
#undef T
#undef Type
#undef U
#undef UInt
#undef Value
#undef __cxa_demangle
#undef a
#undef abi
#undef add
#undef aggregate_fields
#undef aggregate_from
#undef any
#undef arg
#undef args
#undef arity
#undef array
#undef auto
#undef b
#undef back
#undef base64
#undef begin
#undef binary
#undef bool
#undef boolean
#undef brace_constructible
#undef brace_test
#undef break
#undef byte
#undef bytes
#undef c
#undef c_str
#undef call
#undef call_with
#undef cannot
#undef case
#undef char
#undef class
#undef clear
#undef conditional_t
#undef const
#undef constexpr
#undef continue
#undef d
#undef data
#undef decay_t
#undef decltype
#undef declval
#undef default
#undef demangle
#undef depth
#undef dg_entry
#undef dgv
#undef discarded
#undef double
#undef dualgauge
#undef e
#undef element_type
#undef else
#undef emplace
#undef emplace_back
#undef empty
#undef enable_if_t
#undef end
#undef entries
#undef enum
#undef f
#undef fail
#undef false
#undef false_type
#undef first
#undef floating
#undef fn
#undef fn_traits
#undef for
#undef free
#undef from_value
#undef get
#undef get_binary
#undef has_hasher
#undef has_insert
#undef has_key_type
#undef has_mapped_type
#undef has_push_back
#undef has_tuple_size
#undef has_value
#undef has_value_type
#undef hasher
#undef hs
#undef i
#undef if
#undef in
#undef index_sequence
#undef index_sequence_for
#undef inline
#undef insert
#undef int
#undef integer
#undef invalid_argument
#undef invoke
#undef is_abstract_v
#undef is_aggregate_v
#undef is_array
#undef is_charlike
#undef is_class_v
#undef is_default_constructible_v
#undef is_enum_v
#undef is_floating_point_v
#undef is_function_v
#undef is_integral_v
#undef is_json
#undef is_lvalue_reference_v
#undef is_move_constructible_v
#undef is_null
#undef is_optional
#undef is_pair
#undef is_pointer_v
#undef is_same_v
#undef is_signed_v
#undef is_smart_ptr
#undef is_string
#undef is_tuple
#undef is_unsigned_v
#undef is_void_v
#undef it
#undef items
#undef j
#undef json
#undef json_from
#undef json_to
#undef k
#undef key
#undef key_from
#undef key_text
#undef key_type
#undef kind
#undef kind_name
#undef length
#undef length_of
#undef list
#undef long
#undef make_index_sequence
#undef map
#undef mapped_type
#undef max
#undef min
#undef move
#undef multimap
#undef n
#undef name
#undef namespace
#undef nlohmann
#undef noexcept
#undef noreturn
#undef null
#undef nullptr
#undef nullptr_t
#undef number_float
#undef number_integer
#undef number_unsigned
#undef numeric_limits
#undef o
#undef object
#undef operator
#undef optional
#undef ordered_json
#undef out
#undef owned
#undef p
#undef pair
#undef parse_type
#undef ptr
#undef push_back
#undef r
#undef reinterpret_cast
#undef remove_cv_t
#undef remove_pointer_t
#undef remove_reference_t
#undef repr
#undef result
#undef result_param
#undef ret
#undef return
#undef returns
#undef returns_void
#undef role
#undef s
#undef second
#undef signed
#undef single
#undef size
#undef size_t
#undef sizeof
#undef slot
#undef sorted
#undef static
#undef static_assert
#undef static_cast
#undef status
#undef std
#undef storable
#undef storage
#undef str
#undef string
#undef string_view
#undef strtoll
#undef struct
#undef switch
#undef t
#undef template
#undef text
#undef text_value
#undef throw
#undef to_json
#undef to_string
#undef to_value
#undef true
#undef true_type
#undef tuple
#undef tuple_element_t
#undef tuple_from
#undef tuple_size
#undef tuple_to
#undef type
#undef type_name
#undef type_of
#undef typeid
#undef typename
#undef types
#undef u
#undef uint8_t
#undef uinteger
#undef unsigned
#undef using
#undef v
#undef value
#undef value_t
#undef value_type
#undef vector
#undef view
#undef void
#undef void_t
#undef what
#undef while
#undef write
#undef write_float
#undef write_string
#undef x

#include "dg_value.hpp"

#include <cxxabi.h>
#include <cerrno>
#include <cstdlib>
#include <limits>
#include <map>
#include <optional>
#include <stdexcept>
#include <string_view>
#include <tuple>
#include <type_traits>
#include <typeinfo>

namespace dualgauge {

/** Raised when a case's value cannot become the candidate's parameter type (or a result its canonical form). */
struct ArgumentError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

/**
 * Everything else is a static member of one class. The candidate's code comes first in this translation unit, and a
 * namespace can be reopened: an overload or a more specialised template of a conversion declared there (say
 * `template <class C, class V> V to_value(const std::basic_string<C>&, const Type&)`) would win the adapter's own
 * calls and rewrite the result. A class cannot be reopened, and an unqualified call that finds a class member looks
 * no further (no argument-dependent lookup), so only the adapter's own members take part.
 */
struct Adapter {

using Value = dgv::Value;

struct Type {
  std::string name;  // string int float bool bytes any void list dict optional tuple ("" = unknown)
  std::vector<Type> args;
  const Type& arg(size_t k) const {
    static const Type any{"any", {}};
    return k < args.size() ? args[k] : any;
  }
};

static Type parse_type(const char*& p) {
  Type t;
  while (*p == ' ') p++;
  while (*p && *p != '<' && *p != '>' && *p != ',' && *p != ' ') t.name += *p++;
  while (*p == ' ') p++;
  if (*p == '<') {
    p++;
    for (;;) {
      t.args.push_back(parse_type(p));
      while (*p == ' ') p++;
      if (*p == ',') { p++; continue; }
      if (*p == '>') p++;
      break;
    }
  }
  return t;
}

static Type type_of(const char* s) {
  const char* p = s ? s : "";
  return parse_type(p);
}

static std::string demangle(const char* name) {
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string out = status == 0 && d ? d : name;
  std::free(d);
  return out;
}

template <class T>
static std::string type_name() {
  return demangle(typeid(T).name());
}

// ---------------------------------------------------------------- traits
template <class T, class = void> struct has_value_type : std::false_type {};
template <class T> struct has_value_type<T, std::void_t<typename T::value_type, decltype(std::declval<T&>().begin()), decltype(std::declval<T&>().end())>> : std::true_type {};
template <class T, class = void> struct has_mapped_type : std::false_type {};
template <class T> struct has_mapped_type<T, std::void_t<typename T::key_type, typename T::mapped_type>> : std::true_type {};
template <class T, class = void> struct has_key_type : std::false_type {};
template <class T> struct has_key_type<T, std::void_t<typename T::key_type>> : std::true_type {};
template <class T, class = void> struct has_hasher : std::false_type {};
template <class T> struct has_hasher<T, std::void_t<typename T::hasher>> : std::true_type {};
template <class T, class = void> struct has_push_back : std::false_type {};
template <class T> struct has_push_back<T, std::void_t<decltype(std::declval<T&>().push_back(std::declval<typename T::value_type>()))>> : std::true_type {};
template <class T, class = void> struct has_insert : std::false_type {};
template <class T> struct has_insert<T, std::void_t<decltype(std::declval<T&>().insert(std::declval<typename T::value_type>()))>> : std::true_type {};
template <class T, class = void> struct has_tuple_size : std::false_type {};
template <class T> struct has_tuple_size<T, std::void_t<decltype(std::tuple_size<T>::value)>> : std::true_type {};
template <class T, class = void> struct is_smart_ptr : std::false_type {};
template <class T> struct is_smart_ptr<T, std::void_t<typename T::element_type, decltype(*std::declval<const T&>()), decltype(static_cast<bool>(std::declval<const T&>()))>> : std::true_type {};
template <class T> struct is_optional : std::false_type {};
template <class U> struct is_optional<std::optional<U>> : std::true_type {};
template <class T> struct is_pair : std::false_type {};
template <class A, class B> struct is_pair<std::pair<A, B>> : std::true_type {};
template <class T> struct is_tuple : std::false_type {};
template <class... A> struct is_tuple<std::tuple<A...>> : std::true_type {};

template <class T> static constexpr bool is_charlike = std::is_same_v<T, char> || std::is_same_v<T, signed char> || std::is_same_v<T, unsigned char> || std::is_same_v<T, std::byte>;
template <class T> static constexpr bool is_string = std::is_same_v<T, std::string>;

#if defined(NLOHMANN_JSON_VERSION_MAJOR)
template <class T> static constexpr bool is_json = std::is_same_v<T, nlohmann::json> || std::is_same_v<T, nlohmann::ordered_json>;
#else
template <class T> static constexpr bool is_json = false;
#endif

/** Converts to anything (used to count the fields of an aggregate and to initialise them). */
struct AnyConv {
  template <class U> operator U() const;
};
template <class T, class... A> static decltype(void(T{std::declval<A>()...}), std::true_type{}) brace_test(int);
template <class T, class...> static std::false_type brace_test(...);
template <class T, class... A> static constexpr bool brace_constructible = decltype(brace_test<T, A...>(0))::value;

template <class T>
static constexpr int aggregate_fields() {
  if constexpr (!std::is_class_v<T> || !std::is_aggregate_v<T>) return 0;
  else if constexpr (brace_constructible<T, AnyConv, AnyConv, AnyConv, AnyConv> && !brace_constructible<T, AnyConv, AnyConv, AnyConv, AnyConv, AnyConv>) return 4;
  else if constexpr (brace_constructible<T, AnyConv, AnyConv, AnyConv> && !brace_constructible<T, AnyConv, AnyConv, AnyConv, AnyConv>) return 3;
  else if constexpr (brace_constructible<T, AnyConv, AnyConv> && !brace_constructible<T, AnyConv, AnyConv, AnyConv>) return 2;
  else return 0;
}

[[noreturn]] static void fail(const std::string& what) { throw ArgumentError(what); }

template <class T>
[[noreturn]] static void cannot(const Value& v, const char* role = "a parameter of type") {
  fail(std::string("cannot pass a ") + dgv::kind_name(v.kind) + " value as " + role + " " + type_name<T>());
}

// ---------------------------------------------------------------- canonical value -> C++
template <class T>
struct FieldConv {
  const Value* v;
  const Type* t;
  template <class U> operator U() const { return from_value<U>(*v, *t); }
};

template <class T, size_t... I>
static T tuple_from(const Value& v, const Type& t, std::index_sequence<I...>) {
  if (v.kind != Value::List || v.items.size() != sizeof...(I)) cannot<T>(v);
  return T(from_value<std::tuple_element_t<I, T>>(v.items[I], t.arg(I))...);
}

template <class T, size_t... I>
static T aggregate_from(const Value& v, const Type& t, std::index_sequence<I...>) {
  if (v.kind != Value::List || v.items.size() != sizeof...(I)) cannot<T>(v);
  return T{FieldConv<T>{&v.items[I], &t.arg(I)}...};
}

template <class K>
static K key_from(const std::string& s) {
  if constexpr (is_string<K>) return s;
  else if constexpr (std::is_integral_v<K> && !std::is_same_v<K, bool>) {
    char* end = nullptr;
    errno = 0;
    long long k = std::strtoll(s.c_str(), &end, 10);
    if (s.empty() || *end || errno || k < static_cast<long long>(std::numeric_limits<K>::min()) || (k > 0 && static_cast<unsigned long long>(k) > static_cast<unsigned long long>(std::numeric_limits<K>::max())))
      fail("map key \"" + s + "\" is not a " + type_name<K>());
    return static_cast<K>(k);
  } else fail("unsupported map key type " + type_name<K>());
}

#if defined(NLOHMANN_JSON_VERSION_MAJOR)
template <class J>
static J json_from(const Value& v) {
  switch (v.kind) {
    case Value::Null: return J(nullptr);
    case Value::Bool: return J(v.b);
    case Value::Int: return J(v.i);
    case Value::UInt: return J(v.u);
    case Value::Float: return J(v.f);
    case Value::Str: return J(v.s);
    case Value::Bytes: return J::binary(std::vector<std::uint8_t>(v.s.begin(), v.s.end()));
    case Value::List: {
      J a = J::array();
      for (auto& x : v.items) a.push_back(json_from<J>(x));
      return a;
    }
    case Value::Map: {
      J o = J::object();
      for (auto& e : v.entries) o[e.first] = json_from<J>(e.second);
      return o;
    }
    default: return J(nullptr);
  }
}
#endif

template <class T>
static T from_value(const Value& v, const Type& t) {
  using Elem = typename std::conditional_t<has_value_type<T>::value, T, std::vector<char>>::value_type;
  if constexpr (std::is_same_v<T, Value>) {
    return v;
  } else if constexpr (std::is_same_v<T, bool>) {
    if (v.kind == Value::Bool) return v.b;
    if (v.kind == Value::Int && (v.i == 0 || v.i == 1)) return v.i == 1;
    cannot<T>(v);
  } else if constexpr (std::is_same_v<T, char> || std::is_same_v<T, signed char> || std::is_same_v<T, unsigned char>) {
    if ((v.kind == Value::Str || v.kind == Value::Bytes) && v.s.size() == 1) return static_cast<T>(v.s[0]);
    if (v.kind == Value::Int && v.i >= std::numeric_limits<T>::min() && v.i <= std::numeric_limits<T>::max()) return static_cast<T>(v.i);
    cannot<T>(v);
  } else if constexpr (std::is_integral_v<T>) {
    if (v.kind == Value::Int) {
      if constexpr (std::is_signed_v<T>) {
        if (v.i >= static_cast<long long>(std::numeric_limits<T>::min()) && v.i <= static_cast<long long>(std::numeric_limits<T>::max())) return static_cast<T>(v.i);
      } else {
        if (v.i >= 0 && static_cast<unsigned long long>(v.i) <= std::numeric_limits<T>::max()) return static_cast<T>(v.i);
      }
      fail(std::to_string(v.i) + " does not fit the candidate's parameter type " + type_name<T>());
    }
    if (v.kind == Value::UInt) {
      if (std::is_unsigned_v<T> && v.u <= static_cast<unsigned long long>(std::numeric_limits<T>::max())) return static_cast<T>(v.u);
      fail(std::to_string(v.u) + " does not fit the candidate's parameter type " + type_name<T>());
    }
    cannot<T>(v);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (v.kind == Value::Float) return static_cast<T>(v.f);
    if (v.kind == Value::Int) return static_cast<T>(v.i);
    if (v.kind == Value::UInt) return static_cast<T>(v.u);
    cannot<T>(v);
  } else if constexpr (is_string<T>) {
    if (v.kind == Value::Str || v.kind == Value::Bytes) return v.s;
    cannot<T>(v);
  } else if constexpr (is_json<T>) {
#if defined(NLOHMANN_JSON_VERSION_MAJOR)
    return json_from<T>(v);
#endif
  } else if constexpr (is_optional<T>::value) {
    if (v.kind == Value::Null) return T();
    return T(from_value<typename T::value_type>(v, t.name == "optional" ? t.arg(0) : t));
  } else if constexpr (is_pair<T>::value || is_tuple<T>::value) {
    return tuple_from<T>(v, t, std::make_index_sequence<std::tuple_size<T>::value>());
  } else if constexpr (has_mapped_type<T>::value) {
    if (v.kind != Value::Map) cannot<T>(v);
    T out{};
    for (auto& e : v.entries) out.emplace(key_from<typename T::key_type>(e.first), from_value<typename T::mapped_type>(e.second, t.arg(0)));
    return out;
  } else if constexpr (has_value_type<T>::value && std::is_default_constructible_v<T>) {
    T out{};
    if constexpr (has_tuple_size<T>::value) {  // std::array
      size_t n = v.kind == Value::List ? v.items.size() : (v.kind == Value::Str || v.kind == Value::Bytes) ? v.s.size() : 0;
      if (n != std::tuple_size<T>::value || (v.kind != Value::List && !is_charlike<Elem>)) cannot<T>(v);
      size_t k = 0;
      for (auto& slot : out) {
        if (v.kind == Value::List) slot = from_value<Elem>(v.items[k], t.arg(0));
        else if constexpr (is_charlike<Elem>) slot = static_cast<Elem>(static_cast<unsigned char>(v.s[k]));
        k++;
      }
      return out;
    } else {
      auto add = [&out](Elem&& x) {
        if constexpr (has_push_back<T>::value) out.push_back(std::move(x));
        else if constexpr (has_insert<T>::value) out.insert(std::move(x));
        else fail("cannot fill a " + type_name<T>());
      };
      if constexpr (is_charlike<Elem>) {
        if (v.kind == Value::Str || v.kind == Value::Bytes) {
          for (char c : v.s) add(static_cast<Elem>(static_cast<unsigned char>(c)));
          return out;
        }
      }
      if (v.kind != Value::List) cannot<T>(v);
      for (auto& x : v.items) add(from_value<Elem>(x, t.arg(0)));
      return out;
    }
  } else if constexpr (aggregate_fields<T>() > 0) {
    return aggregate_from<T>(v, t, std::make_index_sequence<aggregate_fields<T>()>());
  } else {
    cannot<T>(v);
  }
}

// ---------------------------------------------------------------- C++ -> canonical value
static Value text_value(std::string s, const Type& t) { return t.name == "bytes" ? Value::bytes(std::move(s)) : Value::str(std::move(s)); }

template <class T, size_t... I>
static Value tuple_to(const T& x, const Type& t, std::index_sequence<I...>) {
  Value out = Value::list();
  (out.items.push_back(to_value(std::get<I>(x), t.arg(I))), ...);
  return out;
}

template <class K>
static std::string key_text(const K& k) {
  if constexpr (is_string<K>) return k;
  else if constexpr (std::is_same_v<K, const char*> || std::is_same_v<K, char*>) return k ? k : "";
  else if constexpr (std::is_same_v<K, bool>) return k ? "true" : "false";
  else if constexpr (std::is_integral_v<K>) return std::to_string(k);
  else return dgv::to_json(to_value(k, Type{}));
}

#if defined(NLOHMANN_JSON_VERSION_MAJOR)
template <class J>
static Value json_to(const J& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: case nlohmann::json::value_t::discarded: return Value::null();
    case nlohmann::json::value_t::boolean: return Value::boolean(j.template get<bool>());
    case nlohmann::json::value_t::number_integer: return Value::integer(j.template get<long long>());
    case nlohmann::json::value_t::number_unsigned: return Value::uinteger(j.template get<unsigned long long>());
    case nlohmann::json::value_t::number_float: return Value::floating(j.template get<double>());
    case nlohmann::json::value_t::string: return Value::str(j.template get<std::string>());
    case nlohmann::json::value_t::binary: { auto& b = j.get_binary(); return Value::bytes(std::string(b.begin(), b.end())); }
    case nlohmann::json::value_t::array: {
      Value out = Value::list();
      for (auto& x : j) out.items.push_back(json_to(x));
      return out;
    }
    case nlohmann::json::value_t::object: {
      Value out = Value::map();
      for (auto it = j.begin(); it != j.end(); ++it) out.entries.emplace_back(it.key(), json_to(it.value()));
      return out;
    }
  }
  return Value::null();
}
#endif

template <class T>
static Value to_value(const T& x, const Type& t) {
  using Elem = typename std::conditional_t<has_value_type<T>::value, T, std::vector<char>>::value_type;
  if constexpr (std::is_same_v<T, Value>) {
    return x;
  } else if constexpr (std::is_same_v<T, bool>) {
    return Value::boolean(x);
  } else if constexpr (std::is_same_v<T, char>) {
    return t.name == "string" || t.name == "bytes" ? text_value(std::string(1, x), t) : Value::integer(x);
  } else if constexpr (std::is_integral_v<T>) {
    // C-style truth values: an int 0/1 where the interface says bool.
    if (t.name == "bool" && (x == 0 || x == 1)) return Value::boolean(x == 1);
    if constexpr (std::is_signed_v<T>) return Value::integer(static_cast<long long>(x));
    else return Value::uinteger(static_cast<unsigned long long>(x));
  } else if constexpr (std::is_floating_point_v<T>) {
    return Value::floating(static_cast<double>(x));
  } else if constexpr (std::is_enum_v<T>) {
    return Value::integer(static_cast<long long>(x));
  } else if constexpr (is_string<T> || std::is_same_v<T, std::string_view>) {
    return text_value(std::string(x), t);
  } else if constexpr (std::is_same_v<T, const char*> || std::is_same_v<T, char*> || std::is_same_v<T, const unsigned char*> || std::is_same_v<T, unsigned char*>) {
    if (!x) return Value::null();
    return text_value(std::string(reinterpret_cast<const char*>(x)), t);
  } else if constexpr (std::is_same_v<T, std::nullptr_t>) {
    return Value::null();
  } else if constexpr (std::is_pointer_v<T> && !std::is_void_v<std::remove_pointer_t<T>> && !std::is_function_v<std::remove_pointer_t<T>>) {
    // A pointer to one object (e.g. a `const Row*` for an optional result): null, or what it points to.
    if (!x) return Value::null();
    return to_value(*x, t.name == "optional" ? t.arg(0) : t);
  } else if constexpr (is_json<T>) {
#if defined(NLOHMANN_JSON_VERSION_MAJOR)
    return json_to(x);
#endif
  } else if constexpr (is_optional<T>::value) {
    if (!x.has_value()) return Value::null();
    return to_value(*x, t.name == "optional" ? t.arg(0) : t);
  } else if constexpr (is_smart_ptr<T>::value) {
    if (!x) return Value::null();
    return to_value(*x, t.name == "optional" ? t.arg(0) : t);
  } else if constexpr (is_pair<T>::value || is_tuple<T>::value) {
    return tuple_to(x, t, std::make_index_sequence<std::tuple_size<T>::value>());
  } else if constexpr (has_mapped_type<T>::value) {
    Value out = Value::map();
    for (auto& e : x) out.entries.emplace_back(key_text(e.first), to_value(e.second, t.arg(0)));
    return out;
  } else if constexpr (has_value_type<T>::value) {
    if constexpr (is_charlike<Elem>) {
      if (t.name == "bytes" || t.name == "string") {
        std::string s;
        for (auto&& c : x) s += static_cast<char>(c);
        return text_value(std::move(s), t);
      }
    }
    Value out = Value::list();
    for (auto&& e : x) out.items.push_back(to_value(static_cast<const Elem&>(e), t.arg(0)));
    if constexpr (has_key_type<T>::value && has_hasher<T>::value) {
      // An unordered set has no canonical order: sort as Python sorts sets (by canonical text).
      std::multimap<std::string, Value> sorted;
      for (auto& v : out.items) sorted.emplace(dgv::to_json(v), std::move(v));
      out.items.clear();
      for (auto& e : sorted) out.items.push_back(std::move(e.second));
    }
    return out;
  } else if constexpr (aggregate_fields<T>() == 2) {
    const auto& [a, b] = x;
    Value out = Value::list();
    out.items.push_back(to_value(a, t.arg(0)));
    out.items.push_back(to_value(b, t.arg(1)));
    return out;
  } else if constexpr (aggregate_fields<T>() == 3) {
    const auto& [a, b, c] = x;
    Value out = Value::list();
    out.items.push_back(to_value(a, t.arg(0)));
    out.items.push_back(to_value(b, t.arg(1)));
    out.items.push_back(to_value(c, t.arg(2)));
    return out;
  } else {
    return Value::repr("<C++ value of type " + type_name<T>() + ">", type_name<T>());
  }
}

// ---------------------------------------------------------------- parameters
/** Holds one argument in the type the candidate declared, for the duration of the call. */
template <class P, class = void>
struct Holder {
  using D = std::remove_cv_t<std::remove_reference_t<P>>;
  D storage;
  Holder(const Value& v, const Type& t) : storage(from_value<D>(v, t)) {}
  decltype(auto) get() {
    if constexpr (std::is_lvalue_reference_v<P>) return static_cast<P>(storage);
    else return std::move(storage);
  }
  Value back(const Type& t) { return to_value(storage, t); }
};

/** std::string_view parameters view a string the holder owns. */
template <class P>
struct Holder<P, std::enable_if_t<std::is_same_v<std::remove_cv_t<std::remove_reference_t<P>>, std::string_view>>> {
  std::string owned;
  std::string_view view;
  Holder(const Value& v, const Type& t) : owned(from_value<std::string>(v, t)) {}
  std::string_view& get() { return view = owned; }
  Value back(const Type& t) { return text_value(std::string(view), t); }
};

/** Pointer parameters: `const char*` (a NUL-terminated copy), `T*` + length (an array), `T*` (one object), or null. */
template <class P>
struct Holder<P, std::enable_if_t<std::is_pointer_v<std::remove_cv_t<std::remove_reference_t<P>>>>> {
  using Ptr = std::remove_cv_t<std::remove_reference_t<P>>;
  using E = std::remove_pointer_t<Ptr>;
  using M = std::remove_cv_t<E>;
  static constexpr bool storable = !std::is_void_v<M> && !std::is_function_v<M> && std::is_move_constructible_v<M> && std::is_default_constructible_v<M> && !std::is_abstract_v<M>;
  using Store = std::conditional_t<storable, M, char>;
  std::vector<Store> array;
  std::optional<Store> single;
  bool is_null = false, is_array = false;
  size_t length = 0;
  Ptr ptr = nullptr;

  Holder(const Value& v, const Type& t) {
    if constexpr (!storable) {
      cannot<Ptr>(v);
    } else {
      if (v.kind == Value::Null) {
        is_null = true;
      } else if constexpr (is_charlike<M>) {
        if (v.kind == Value::Str || v.kind == Value::Bytes) {
          for (char c : v.s) array.push_back(static_cast<M>(static_cast<unsigned char>(c)));
          length = array.size();
          array.push_back(M(0));
          is_array = true;
        } else if (v.kind == Value::List) {
          for (auto& x : v.items) array.push_back(from_value<M>(x, t.arg(0)));
          length = array.size();
          array.push_back(M(0));
          is_array = true;
        } else {
          single.emplace(from_value<M>(v, t));
        }
      } else {
        if (v.kind == Value::List && !has_value_type<M>::value) {
          for (auto& x : v.items) array.push_back(from_value<M>(x, t.arg(0)));
          length = array.size();
          is_array = true;
        } else {
          single.emplace(from_value<M>(v, t));
        }
      }
    }
  }
  decltype(auto) get() {
    if constexpr (storable) {
      if (is_null) ptr = nullptr;
      else if (is_array) ptr = array.data();
      else ptr = &*single;
    }
    if constexpr (std::is_lvalue_reference_v<P>) return static_cast<P>(ptr);
    else return Ptr(ptr);
  }
  Value back(const Type& t) {
    if constexpr (!storable) {
      return Value::null();
    } else {
      if (is_null) return Value::null();
      if (!is_array) return to_value(*single, t);
      if constexpr (is_charlike<M>) {
        if (t.name != "list") {
          std::string s(reinterpret_cast<const char*>(array.data()), length);
          if (t.name != "bytes") s = std::string(s.c_str());
          return text_value(std::move(s), t);
        }
      }
      Value out = Value::list();
      for (size_t k = 0; k < length; k++) out.items.push_back(to_value(array[k], t.arg(0)));
      return out;
    }
  }
};

template <class F> struct fn_traits;
template <class R, class... P> struct fn_traits<R (*)(P...)> {
  using ret = R;
  static constexpr size_t arity = sizeof...(P);
};
template <class R, class... P> struct fn_traits<R (*)(P...) noexcept> {
  using ret = R;
  static constexpr size_t arity = sizeof...(P);
};

struct Call {
  std::vector<Value>& args;
  const std::vector<Type>& types;
  const Type& returns;
  int result_param;
  bool returns_void;
};

template <class R, class... P, size_t... I>
static Value call_with(R (*fn)(P...), Call& c, std::index_sequence<I...>) {
  std::tuple<Holder<P>...> hs{Holder<P>(c.args[I], c.types[I])...};
  Value result;
  if constexpr (std::is_void_v<R>) {
    fn(std::get<I>(hs).get()...);
  } else {
    auto&& r = fn(std::get<I>(hs).get()...);
    if (!c.returns_void) result = to_value(static_cast<const std::decay_t<R>&>(r), c.returns);
  }
  if (c.result_param >= 0) {
    ((I == static_cast<size_t>(c.result_param) ? (void)(result = std::get<I>(hs).back(c.types[I])) : (void)0), ...);
  }
  return result;
}

template <class R, class... P>
static Value invoke(R (*fn)(P...), Call& c) {
  return call_with(fn, c, std::index_sequence_for<P...>());
}

template <class R, class... P>
static Value invoke(R (*fn)(P...) noexcept, Call& c) {
  return call_with(reinterpret_cast<R (*)(P...)>(fn), c, std::index_sequence_for<P...>());
}

/** Derived C-style counts (`value: {length_of: p}`): bytes of a string, items of a list, keys of a map. */
static Value length_of(const Value& v) {
  switch (v.kind) {
    case Value::Str: case Value::Bytes: return Value::integer(static_cast<long long>(v.s.size()));
    case Value::List: return Value::integer(static_cast<long long>(v.items.size()));
    case Value::Map: return Value::integer(static_cast<long long>(v.entries.size()));
    default: return Value::integer(0);
  }
}

};  // struct Adapter

// The adapter's types under their short names. After the class: a candidate's own declaration of one conflicts.
using Type = Adapter::Type;
using Call = Adapter::Call;

}  // namespace dualgauge

#endif
