// DualGauge C++ driver. Runs every case of one candidate in this process:
// fresh fixtures per case, per-case stdout/stderr capture, the trace recorded by the shim (dgshim.so, this
// executable's first dependency), per-case line coverage (gcov counters reset and dumped around each call), and one
// JSON line per case on fd 3 — the same protocol as the Python harness (docs/languages.md).
// It includes nothing of the candidate and nothing interface-specific: the adapter compiled with the
// candidate (cand.cpp.hbs) exports dg_entry(). So it is compiled once per host and toolchain (index.ts),
// not once per candidate.
// This is observability, not a boundary: the sandbox around this process is the boundary.
#include "dg_value.hpp"
#include "dgshim.h"

#include <cxxabi.h>
#include <dirent.h>
#include <elf.h>
#include <execinfo.h>
#include <fcntl.h>
#include <link.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdio_ext.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>
#include <system_error>
#include <typeinfo>
#include <vector>

extern "C" void __gcov_reset(void);
extern "C" void __gcov_dump(void);
extern char** environ;

// Defined by the adapter at the end of the candidate's translation unit (cand.cpp).
dgv::Value dg_entry(std::vector<dgv::Value>& args);

namespace dgv {
std::string base64(const std::string& in) {
  static const char* T = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    unsigned n = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8 | (unsigned char)in[i + 2];
    out += T[n >> 18]; out += T[(n >> 12) & 63]; out += T[(n >> 6) & 63]; out += T[n & 63];
  }
  if (i + 1 == in.size()) {
    unsigned n = (unsigned char)in[i] << 16;
    out += T[n >> 18]; out += T[(n >> 12) & 63]; out += "==";
  } else if (i + 2 == in.size()) {
    unsigned n = (unsigned char)in[i] << 16 | (unsigned char)in[i + 1] << 8;
    out += T[n >> 18]; out += T[(n >> 12) & 63]; out += T[(n >> 6) & 63]; out += '=';
  }
  return out;
}

/** A JSON string literal in pure ASCII: non-ASCII as \uXXXX (surrogate pairs), invalid UTF-8 as U+FFFD. */
void write_string(std::string& out, const char* p, size_t n) {
  static const char* H = "0123456789abcdef";
  auto u4 = [&](unsigned c) { out += "\\u"; out += H[(c >> 12) & 15]; out += H[(c >> 8) & 15]; out += H[(c >> 4) & 15]; out += H[c & 15]; };
  out += '"';
  const unsigned char* s = reinterpret_cast<const unsigned char*>(p);
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i];
    if (c < 0x80) {
      if (c == '"') out += "\\\"";
      else if (c == '\\') out += "\\\\";
      else if (c == '\n') out += "\\n";
      else if (c == '\r') out += "\\r";
      else if (c == '\t') out += "\\t";
      else if (c < 0x20 || c == 0x7f) u4(c);
      else out += static_cast<char>(c);
      i++;
      continue;
    }
    unsigned cp = 0, len = 0;
    if ((c & 0xe0) == 0xc0) cp = c & 0x1f, len = 2;
    else if ((c & 0xf0) == 0xe0) cp = c & 0x0f, len = 3;
    else if ((c & 0xf8) == 0xf0) cp = c & 0x07, len = 4;
    bool ok = len > 0 && i + len <= n;
    for (unsigned k = 1; ok && k < len; k++) {
      if ((s[i + k] & 0xc0) != 0x80) ok = false;
      else cp = cp << 6 | (s[i + k] & 0x3f);
    }
    if (ok && ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))) ok = false;
    if (!ok) {
      u4(0xfffd);
      i++;
      continue;
    }
    if (cp >= 0x10000) {
      cp -= 0x10000;
      u4(0xd800 + (cp >> 10));
      u4(0xdc00 + (cp & 0x3ff));
    } else u4(cp);
    i += len;
  }
  out += '"';
}

void write_string(std::string& out, const std::string& s) { write_string(out, s.data(), s.size()); }

/** A double that reads back as a float: always with '.' or an exponent; non-finite as {"$float": ...}. */
void write_float(std::string& out, double x) {
  if (std::isnan(x)) { out += "{\"$float\":\"nan\"}"; return; }
  if (std::isinf(x)) { out += x > 0 ? "{\"$float\":\"inf\"}" : "{\"$float\":\"-inf\"}"; return; }
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof buf, x);
  std::string t(buf, r.ptr);
  if (t.find_first_of(".eE") == std::string::npos) t += ".0";
  out += t;
}

/** Canonical JSON: sorted keys, no spaces. */
void write(std::string& out, const Value& v, int depth) {
  if (depth > 200) { out += "{\"$repr\":\"<too deep>\"}"; return; }
  switch (v.kind) {
    case Value::Null: out += "null"; return;
    case Value::Bool: out += v.b ? "true" : "false"; return;
    case Value::Int: out += std::to_string(v.i); return;
    case Value::UInt: out += std::to_string(v.u); return;
    case Value::Float: write_float(out, v.f); return;
    case Value::Str: write_string(out, v.s); return;
    case Value::Bytes: out += "{\"$bytes\":"; write_string(out, base64(v.s)); out += '}'; return;
    case Value::Repr:
      out += "{\"$repr\":"; write_string(out, v.s.substr(0, 500)); out += ",\"$type\":"; write_string(out, v.type); out += '}';
      return;
    case Value::List:
      out += '[';
      for (size_t k = 0; k < v.items.size(); k++) {
        if (k) out += ',';
        write(out, v.items[k], depth + 1);
      }
      out += ']';
      return;
    case Value::Map: {
      std::vector<const std::pair<std::string, Value>*> es;
      for (auto& e : v.entries) es.push_back(&e);
      std::stable_sort(es.begin(), es.end(), [](auto a, auto b) { return a->first < b->first; });
      out += '{';
      for (size_t k = 0; k < es.size(); k++) {
        if (k) out += ',';
        write_string(out, es[k]->first);
        out += ':';
        write(out, es[k]->second, depth + 1);
      }
      out += '}';
      return;
    }
  }
}

std::string to_json(const Value& v) {
  std::string out;
  write(out, v);
  return out;
}

}  // namespace dgv

namespace {

using dgv::Value;

const int CHANNEL = 3;
std::string CAND_FILE = "/sbx/cand/solution.cpp";
std::string CAND_BASENAME = "solution.cpp";
const char* const WORK = "/sbx/work";
const char* const FIXTURES = "/sbx/fixtures";
const char* const OUT = "/sbx/out";
const char* const BUILD = "/sbx/build";
const char* const COV_DIR = "/tmp/dgcov";
size_t output_cap = 1 << 20;
std::string nonce;

// ---------------------------------------------------------------- the kernel, without the C library
// The candidate is linked into this executable: a function it defines with C linkage (`extern "C" ssize_t
// write(...)`, `syscall`, `memcpy`) takes every reference to that name, the driver's and every library's. So the
// channel is written with the system call itself, and the check below (candidate_replaces_runtime) uses nothing else.
long raw_syscall(long nr, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0, long f = 0) {
#if defined(__x86_64__)
  long ret;
  register long r10 __asm__("r10") = d;
  register long r8 __asm__("r8") = e;
  register long r9 __asm__("r9") = f;
  __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9) : "rcx", "r11", "memory");
  return ret;
#elif defined(__aarch64__)
  register long x8 __asm__("x8") = nr;
  register long x0 __asm__("x0") = a;
  register long x1 __asm__("x1") = b;
  register long x2 __asm__("x2") = c;
  register long x3 __asm__("x3") = d;
  register long x4 __asm__("x4") = e;
  register long x5 __asm__("x5") = f;
  __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3), "r"(x4), "r"(x5) : "memory");
  return x0;
#else
  long r = ::syscall(nr, a, b, c, d, e, f);
  return r < 0 ? -errno : r;
#endif
}

/** write(2) straight to the kernel: the count, or -errno. */
long raw_write(int fd, const void* p, size_t n) { return raw_syscall(SYS_write, fd, reinterpret_cast<long>(p), static_cast<long>(n)); }

// GCC must not turn these loops into calls to memcpy/strlen (which the candidate may have replaced).
#define DG_NO_LIBCALLS __attribute__((noinline, optimize("no-tree-loop-distribute-patterns")))

DG_NO_LIBCALLS bool raw_eq(const char* a, const char* b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

DG_NO_LIBCALLS bool raw_prefix(const char* s, const char* prefix) {
  while (*prefix)
    if (*s++ != *prefix++) return false;
  return true;
}

DG_NO_LIBCALLS void raw_append(char* out, size_t cap, size_t& len, const char* s) {
  while (*s && len + 1 < cap) out[len++] = *s++;
  out[len] = '\0';
}

/** A loaded library's exported symbols (its dynamic symbol table and GNU hash table, in memory). */
struct Exports {
  const char* name = nullptr;
  const ElfW(Sym)* syms = nullptr;
  const char* strs = nullptr;
  const uint32_t* gnu_hash = nullptr;
};

DG_NO_LIBCALLS bool exports_defines(const Exports& x, const char* name) {
  uint32_t h = 5381;
  for (const unsigned char* p = reinterpret_cast<const unsigned char*>(name); *p; p++) h = h * 33 + *p;
  const uint32_t nbuckets = x.gnu_hash[0], symoffset = x.gnu_hash[1], bloom_size = x.gnu_hash[2];
  if (nbuckets == 0) return false;
  const uint32_t* buckets = reinterpret_cast<const uint32_t*>(reinterpret_cast<const ElfW(Addr)*>(x.gnu_hash + 4) + bloom_size);
  const uint32_t* chain = buckets + nbuckets;
  uint32_t i = buckets[h % nbuckets];
  if (i < symoffset) return false;
  for (;; i++) {
    uint32_t c = chain[i - symoffset];
    if ((c | 1) == (h | 1) && x.syms[i].st_shndx != SHN_UNDEF && raw_eq(x.strs + x.syms[i].st_name, name)) return true;
    if (c & 1) return false;
  }
}

/** Functions a program may define for itself: glibc supports replacing malloc; the channel does not use the rest. */
DG_NO_LIBCALLS bool replaceable(const char* name) {
  static const char* const names[] = {"malloc", "free", "calloc", "realloc", "reallocarray", "memalign", "posix_memalign", "aligned_alloc",
                                      "valloc", "pvalloc", "malloc_usable_size", "write", "writev", "syscall", nullptr};
  if (name[0] == '_' && name[1] == 'Z')  // C++: the replaceable global operator new and delete
    return raw_prefix(name, "_Znw") || raw_prefix(name, "_Zna") || raw_prefix(name, "_Zdl") || raw_prefix(name, "_Zda");
  for (int k = 0; names[k]; k++)
    if (raw_eq(name, names[k])) return true;
  return false;
}

/**
 * Functions of the C and C++ runtime (libc, libm, libstdc++, libgcc_s) or of the trace shim that this executable
 * defines itself, i.e. that the candidate's code defines (`extern "C" void* memcpy(...)`, an asm label): in one
 * process such a definition replaces the library's for every caller, the driver's serializer included (std::string
 * copies through memcpy). Then strong definitions of the harness's own inline code (below). Written into `out`;
 * returns how many. -1: this executable could not be read.
 * Until the runtime is known to be its own, only the kernel and loops over memory: what it checks must not be able
 * to answer for it.
 */
DG_NO_LIBCALLS int candidate_replaces_runtime(char* out, size_t cap) {
  size_t len = 0;
  out[0] = '\0';
  Exports libs[8];
  int nlibs = 0;
  const r_debug* dbg = nullptr;
  for (const ElfW(Dyn)* d = _DYNAMIC; d->d_tag != DT_NULL; d++)
    if (d->d_tag == DT_DEBUG) dbg = reinterpret_cast<const r_debug*>(d->d_un.d_ptr);
  for (const link_map* m = dbg ? dbg->r_map : nullptr; m && nlibs < 8; m = m->l_next) {
    const char* base = m->l_name ? m->l_name : "";
    for (const char* p = base; *p; p++)
      if (*p == '/') base = p + 1;
    if (!raw_prefix(base, "libc.so.") && !raw_prefix(base, "libm.so.") && !raw_prefix(base, "libstdc++.so.") && !raw_prefix(base, "libgcc_s.so.") && !raw_eq(base, "dgshim.so")) continue;
    Exports x;
    x.name = base;
    for (const ElfW(Dyn)* d = m->l_ld; d && d->d_tag != DT_NULL; d++) {
      ElfW(Addr) p = d->d_un.d_ptr;
      if (p < m->l_addr) p += m->l_addr;  // the dynamic loader relocates these in place on most ports
      if (d->d_tag == DT_SYMTAB) x.syms = reinterpret_cast<const ElfW(Sym)*>(p);
      else if (d->d_tag == DT_STRTAB) x.strs = reinterpret_cast<const char*>(p);
      else if (d->d_tag == DT_GNU_HASH) x.gnu_hash = reinterpret_cast<const uint32_t*>(p);
    }
    if (x.syms && x.strs && x.gnu_hash) libs[nlibs++] = x;
  }
  long fd = raw_syscall(SYS_openat, AT_FDCWD, reinterpret_cast<long>("/proc/self/exe"), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return -1;
  long size = raw_syscall(SYS_lseek, fd, 0, SEEK_END);
  long addr = size > 0 ? raw_syscall(SYS_mmap, 0, size, PROT_READ, MAP_PRIVATE, fd, 0) : -1;
  raw_syscall(SYS_close, fd);
  if (addr < 0) return -1;  // -errno (user-space addresses are positive)
  const char* file = reinterpret_cast<const char*>(addr);
  const size_t n = static_cast<size_t>(size);
  int found = 0;
  const auto* eh = reinterpret_cast<const ElfW(Ehdr)*>(file);
  bool ok = n >= sizeof(ElfW(Ehdr)) && eh->e_ident[0] == ELFMAG0 && eh->e_ident[1] == ELFMAG1 && eh->e_ident[2] == ELFMAG2 && eh->e_ident[3] == ELFMAG3 &&
            eh->e_shentsize == sizeof(ElfW(Shdr)) && eh->e_shoff < n && eh->e_shnum <= (n - eh->e_shoff) / sizeof(ElfW(Shdr));
  if (ok) {
    const auto* sh = reinterpret_cast<const ElfW(Shdr)*>(file + eh->e_shoff);
    // The full symbol table (the driver's references to a name bind to the candidate's definition at link time,
    // exported or not); the dynamic one if the executable was stripped.
    int table = -1;
    for (int k = 0; k < eh->e_shnum; k++)
      if (sh[k].sh_type == SHT_SYMTAB || (table < 0 && sh[k].sh_type == SHT_DYNSYM)) table = k;
    if (table >= 0 && sh[table].sh_link < eh->e_shnum) {
      const ElfW(Shdr)& st = sh[table];
      const ElfW(Shdr)& ss = sh[st.sh_link];
      if (st.sh_offset <= n && st.sh_size <= n - st.sh_offset && ss.sh_offset <= n && ss.sh_size <= n - ss.sh_offset && ss.sh_size > 0 && file[ss.sh_offset + ss.sh_size - 1] == '\0') {
        const auto* syms = reinterpret_cast<const ElfW(Sym)*>(file + st.sh_offset);
        const char* strs = file + ss.sh_offset;
        for (size_t k = 0; k < st.sh_size / sizeof(ElfW(Sym)); k++) {
          const ElfW(Sym)& s = syms[k];
          int type = s.st_info & 0xf, bind = s.st_info >> 4, vis = s.st_other & 0x3;  // ST_TYPE, ST_BIND, ST_VISIBILITY
          if (s.st_shndx == SHN_UNDEF || (type != STT_FUNC && type != STT_GNU_IFUNC) || (bind != STB_GLOBAL && bind != STB_WEAK)) continue;
          if ((vis != STV_DEFAULT && vis != STV_PROTECTED) || s.st_name >= ss.sh_size) continue;
          const char* name = strs + s.st_name;
          // Weak C++ definitions are template and inline instantiations, which libstdc++ may export as well.
          if (!name[0] || (name[0] == '_' && name[1] == 'Z' && bind != STB_GLOBAL) || replaceable(name)) continue;
          for (int l = 0; l < nlibs; l++) {
            if (!exports_defines(libs[l], name)) continue;
            if (found++ < 8) {
              raw_append(out, cap, len, found > 1 ? ", " : "");
              raw_append(out, cap, len, name);
              raw_append(out, cap, len, " (");
              raw_append(out, cap, len, libs[l].name);
              raw_append(out, cap, len, ")");
            }
            break;
          }
        }
        // Then (the runtime being its own, the demangler can be trusted) the harness's own code: everything in
        // dg_value.hpp and dg_adapter.hpp is inline or a template, i.e. weak, so a strong definition that names
        // dgv:: or dualgauge:: is the candidate's (an explicit specialisation or an asm label in another of its
        // files) and would replace ours at link time: e.g. dgv::Value::str, which makes every string result.
        for (size_t k = 0; found == 0 && k < st.sh_size / sizeof(ElfW(Sym)); k++) {
          const ElfW(Sym)& s = syms[k];
          if (s.st_shndx == SHN_UNDEF || (s.st_info & 0xf) != STT_FUNC || (s.st_info >> 4) != STB_GLOBAL || s.st_name >= ss.sh_size) continue;
          const char* name = strs + s.st_name;
          if (name[0] != '_' || name[1] != 'Z') continue;
          int status = 0;
          char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
          if (status != 0 || !d) continue;
          std::string text = d;
          std::free(d);
          for (size_t at = text.find("[abi:"); at != std::string::npos; at = text.find("[abi:", at)) text.erase(at, text.find(']', at) - at + 1);
          static const char* const ours[] = {"dgv::base64(", "dgv::write_string(", "dgv::write_float(", "dgv::write(", "dgv::to_json(", "dg_entry(", nullptr};
          bool own = false;
          for (int o = 0; ours[o] && !own; o++) own = text.rfind(ours[o], 0) == 0;
          bool mentions = false;
          for (const char* ns : {"dgv::", "dualgauge::"})
            for (size_t at = text.find(ns); at != std::string::npos && !mentions; at = text.find(ns, at + 1))
              mentions = at == 0 || !(std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_');
          if (own || !mentions) continue;
          if (found++ < 8) {
            raw_append(out, cap, len, found > 1 ? ", " : "");
            raw_append(out, cap, len, text.substr(0, 200).c_str());
            raw_append(out, cap, len, " (the harness)");
          }
        }
      }
    }
  }
  raw_syscall(SYS_munmap, addr, size);
  return ok ? found : -1;
}

std::string dualgauge_demangle(const char* name) {
  int status = 0;
  char* d = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  std::string out = status == 0 && d ? d : name;
  std::free(d);
  return out;
}

// ---------------------------------------------------------------- JSON in
struct Parser {
  const char* p;
  const char* end;
  [[noreturn]] void fail(const char* what) { throw std::runtime_error(std::string("bad JSON input: ") + what); }
  void ws() { while (p < end && (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) p++; }
  static void utf8(std::string& out, unsigned cp) {
    if (cp < 0x80) out += static_cast<char>(cp);
    else if (cp < 0x800) { out += static_cast<char>(0xc0 | cp >> 6); out += static_cast<char>(0x80 | (cp & 63)); }
    else if (cp < 0x10000) { out += static_cast<char>(0xe0 | cp >> 12); out += static_cast<char>(0x80 | ((cp >> 6) & 63)); out += static_cast<char>(0x80 | (cp & 63)); }
    else { out += static_cast<char>(0xf0 | cp >> 18); out += static_cast<char>(0x80 | ((cp >> 12) & 63)); out += static_cast<char>(0x80 | ((cp >> 6) & 63)); out += static_cast<char>(0x80 | (cp & 63)); }
  }
  unsigned hex4() {
    if (end - p < 4) fail("short \\u escape");
    unsigned v = 0;
    for (int k = 0; k < 4; k++) {
      char c = *p++;
      v <<= 4;
      if (c >= '0' && c <= '9') v |= c - '0';
      else if (c >= 'a' && c <= 'f') v |= c - 'a' + 10;
      else if (c >= 'A' && c <= 'F') v |= c - 'A' + 10;
      else fail("bad \\u escape");
    }
    return v;
  }
  std::string str() {
    std::string out;
    p++;
    while (p < end && *p != '"') {
      char c = *p++;
      if (c != '\\') { out += c; continue; }
      if (p >= end) fail("unterminated string");
      char e = *p++;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          unsigned cp = hex4();
          if (cp >= 0xd800 && cp < 0xdc00 && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
            p += 2;
            unsigned lo = hex4();
            if (lo >= 0xdc00 && lo < 0xe000) cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            else { utf8(out, 0xfffd); cp = lo; }
          }
          if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
          utf8(out, cp);
          break;
        }
        default: fail("bad escape");
      }
    }
    if (p >= end) fail("unterminated string");
    p++;
    return out;
  }
  Value value(int depth = 0) {
    if (depth > 1000) fail("too deep");
    ws();
    if (p >= end) fail("unexpected end");
    char c = *p;
    if (c == '{') {
      p++;
      Value v = Value::map();
      ws();
      if (p < end && *p == '}') { p++; return v; }
      for (;;) {
        ws();
        if (p >= end || *p != '"') fail("expected a key");
        std::string k = str();
        ws();
        if (p >= end || *p++ != ':') fail("expected ':'");
        v.entries.emplace_back(std::move(k), value(depth + 1));
        ws();
        if (p < end && *p == ',') { p++; continue; }
        if (p < end && *p == '}') { p++; return v; }
        fail("expected ',' or '}'");
      }
    }
    if (c == '[') {
      p++;
      Value v = Value::list();
      ws();
      if (p < end && *p == ']') { p++; return v; }
      for (;;) {
        v.items.push_back(value(depth + 1));
        ws();
        if (p < end && *p == ',') { p++; continue; }
        if (p < end && *p == ']') { p++; return v; }
        fail("expected ',' or ']'");
      }
    }
    if (c == '"') return Value::str(str());
    if (end - p >= 4 && !std::strncmp(p, "true", 4)) { p += 4; return Value::boolean(true); }
    if (end - p >= 5 && !std::strncmp(p, "false", 5)) { p += 5; return Value::boolean(false); }
    if (end - p >= 4 && !std::strncmp(p, "null", 4)) { p += 4; return Value::null(); }
    const char* s = p;
    bool isFloat = false;
    if (p < end && *p == '-') p++;
    while (p < end && ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e' || *p == 'E' || *p == '+' || *p == '-')) {
      if (*p == '.' || *p == 'e' || *p == 'E') isFloat = true;
      p++;
    }
    if (p == s) fail("unexpected character");
    std::string num(s, p);
    if (!isFloat) {
      long long i = 0;
      auto r = std::from_chars(num.data(), num.data() + num.size(), i);
      if (r.ec == std::errc() && r.ptr == num.data() + num.size()) return Value::integer(i);
      unsigned long long u = 0;
      auto r2 = std::from_chars(num.data(), num.data() + num.size(), u);
      if (r2.ec == std::errc() && r2.ptr == num.data() + num.size()) return Value::uinteger(u);
    }
    return Value::floating(std::strtod(num.c_str(), nullptr));
  }
};

Value parse_json(const std::string& text) {
  Parser ps{text.data(), text.data() + text.size()};
  Value v = ps.value();
  ps.ws();
  if (ps.p != ps.end) ps.fail("trailing data");
  return v;
}

std::string base64_decode(const std::string& in) {
  auto val = [](char c) -> int {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+' || c == '-') return 62;
    if (c == '/' || c == '_') return 63;
    return -1;
  };
  std::string out;
  unsigned buf = 0;
  int bits = 0;
  for (char c : in) {
    int v = val(c);
    if (v < 0) continue;
    buf = buf << 6 | static_cast<unsigned>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((buf >> bits) & 0xff);
    }
  }
  return out;
}

/** Extended input values: {$bytes}, {$float}, {$abspath} (as the Python harness's from_input). */
Value from_input(const Value& v) {
  if (v.kind == Value::Map && v.entries.size() == 1) {
    const auto& [k, x] = v.entries[0];
    if (k == "$bytes" && x.kind == Value::Str) return Value::bytes(base64_decode(x.s));
    if (k == "$float" && x.kind == Value::Str) {
      if (x.s == "nan") return Value::floating(std::nan(""));
      if (x.s == "inf") return Value::floating(HUGE_VAL);
      if (x.s == "-inf") return Value::floating(-HUGE_VAL);
      return Value::floating(std::strtod(x.s.c_str(), nullptr));
    }
    if (k == "$abspath" && x.kind == Value::Str) return Value::str(!x.s.empty() && x.s[0] == '/' ? x.s : std::string(WORK) + "/" + x.s);
  }
  if (v.kind == Value::Map) {
    Value out = Value::map();
    for (auto& e : v.entries) out.entries.emplace_back(e.first, from_input(e.second));
    return out;
  }
  if (v.kind == Value::List) {
    Value out = Value::list();
    for (auto& x : v.items) out.items.push_back(from_input(x));
    return out;
  }
  return v;
}

// ---------------------------------------------------------------- JSON out (the channel)
struct Obj {
  std::string s = "{";
  Obj& key(const char* k) {
    if (s.size() > 1) s += ',';
    dgv::write_string(s, k, std::strlen(k));
    s += ':';
    return *this;
  }
  Obj& str(const char* k, const std::string& v) { key(k); dgv::write_string(s, v); return *this; }
  Obj& raw(const char* k, const std::string& v) { key(k); s += v; return *this; }
  Obj& num(const char* k, long long v) { key(k); s += std::to_string(v); return *this; }
  Obj& flt(const char* k, double v) { key(k); dgv::write_float(s, v); return *this; }
  Obj& boolean(const char* k, bool v) { key(k); s += v ? "true" : "false"; return *this; }
  Obj& null(const char* k) { key(k); s += "null"; return *this; }
  std::string done() { return s + "}"; }
};

void send(Obj o) {
  o.str("n", nonce);
  std::string line = o.done() + "\n";
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    long w = raw_write(CHANNEL, p, left);
    if (w == -EINTR) continue;
    if (w <= 0) _exit(2);
    p += w;
    left -= static_cast<size_t>(w);
  }
}

// ---------------------------------------------------------------- source lines of trace events
struct LineEntry {
  uintptr_t addr;
  int line;  // -1: another file, or the end of a sequence
};
std::vector<LineEntry> line_table;

/** The candidate's line table, from `objdump --dwarf=decodedline` of this executable (written at build). */
void load_lines() {
  FILE* f = std::fopen((std::string(BUILD) + "/lines.txt").c_str(), "r");
  if (!f) return;
  char buf[8192];
  while (std::fgets(buf, sizeof buf, f)) {
    char name[4096], line[64], addr[64];
    if (std::sscanf(buf, "%4095s %63s %63s", name, line, addr) != 3) continue;
    if (std::strncmp(addr, "0x", 2) != 0) continue;
    LineEntry e{static_cast<uintptr_t>(std::strtoull(addr, nullptr, 16)), -1};
    if (name == CAND_BASENAME && line[0] >= '0' && line[0] <= '9') e.line = std::atoi(line);
    line_table.push_back(e);
  }
  std::fclose(f);
  std::stable_sort(line_table.begin(), line_table.end(), [](const LineEntry& a, const LineEntry& b) { return a.addr < b.addr; });
}

int line_of(uintptr_t pc) {
  auto it = std::upper_bound(line_table.begin(), line_table.end(), pc, [](uintptr_t a, const LineEntry& e) { return a < e.addr; });
  if (it == line_table.begin()) return 0;
  --it;
  return it->line > 0 ? it->line : 0;
}

extern "C" int resolve_stack(void* const* pcs, int n) {
  for (int k = 0; k < n; k++) {
    int line = line_of(reinterpret_cast<uintptr_t>(pcs[k]) - 1);
    if (line > 0) return line;
  }
  return 0;
}

// ---------------------------------------------------------------- trace events
void write_val(std::string& out, const dg_val& v) {
  switch (v.kind) {
    case DG_STR: dgv::write_string(out, v.s ? v.s : "", v.s ? v.n : 0); break;
    case DG_BYTES: out += "{\"$bytes\":"; dgv::write_string(out, dgv::base64(std::string(v.s ? v.s : "", v.s ? v.n : 0))); out += '}'; break;
    case DG_INT: out += std::to_string(v.i); break;
    case DG_FLOAT: dgv::write_float(out, v.d); break;
    case DG_BOOL: out += v.i ? "true" : "false"; break;
    case DG_LIST:
      out += '[';
      for (int k = 0; k < v.nitems; k++) {
        if (k) out += ',';
        write_val(out, v.items[k]);
      }
      out += ']';
      break;
    default: out += "null";
  }
}

int child_fds[2] = {-1, -1};

/** Exec events of forked children (fork + exec), sent through the shim's pipe. */
void drain_children(std::string& out, int& count, int& seq) {
  if (child_fds[0] < 0) return;
  static std::string pending;
  char buf[65536];
  for (;;) {
    ssize_t n = read(child_fds[0], buf, sizeof buf);
    if (n <= 0) break;
    pending.append(buf, static_cast<size_t>(n));
  }
  while (pending.size() >= 12) {
    uint32_t size, argc;
    int32_t line;
    std::memcpy(&size, pending.data(), 4);
    std::memcpy(&line, pending.data() + 4, 4);
    std::memcpy(&argc, pending.data() + 8, 4);
    if (size < 12 || size > pending.size()) break;
    std::vector<std::string> parts;
    size_t o = 12;
    while (o < size) {
      size_t z = pending.find('\0', o);
      if (z == std::string::npos || z >= size) break;
      parts.push_back(pending.substr(o, z - o));
      o = z + 1;
    }
    pending.erase(0, size);
    if (parts.empty() || count >= 5000) continue;
    std::vector<std::string> argv(parts.begin() + 1, parts.end());
    bool shell = argv.size() >= 3 && argv[1] == "-c" && (argv[0] == "sh" || argv[0] == "/bin/sh" || argv[0] == "bash" || argv[0] == "/bin/bash" || argv[0] == "/usr/bin/sh" || argv[0] == "dash" || argv[0] == "/bin/dash");
    std::string command;
    if (shell) command = argv[2];
    else
      for (size_t k = 0; k < argv.size(); k++) command += (k ? " " : "") + argv[k];
    Obj e;
    e.num("seq", ++seq).str("type", "proc.exec");
    if (line > 0) e.num("line", line);
    else e.null("line");
    std::string av = "[";
    for (size_t k = 0; k < argv.size(); k++) {
      if (k) av += ',';
      dgv::write_string(av, argv[k]);
    }
    av += ']';
    e.raw("argv", av).boolean("shell", shell).str("command", command).str("path", parts[0]).boolean("child", true);
    if (count++) out += ',';
    out += e.done();
  }
}

std::string events_json() {
  std::string out = "[";
  int n = dgshim_count(), seq = 0;
  for (int k = 0; k < n; k++) {
    const dg_event* e = dgshim_at(k);
    if (!e) continue;
    if (k) out += ',';
    out += "{\"seq\":" + std::to_string(e->seq) + ",\"type\":";
    dgv::write_string(out, e->type, std::strlen(e->type));
    out += ",\"line\":" + (e->line > 0 ? std::to_string(e->line) : std::string("null"));
    for (int f = 0; f < e->nfields; f++) {
      out += ',';
      dgv::write_string(out, e->keys[f], std::strlen(e->keys[f]));
      out += ':';
      write_val(out, e->vals[f]);
    }
    if (e->ok >= 0) out += std::string(",\"ok\":") + (e->ok ? "true" : "false");
    if (e->is_sql) {
      out += ",\"params\":[";
      for (int p = 0; p < e->nparams; p++) {
        if (p) out += ',';
        write_val(out, e->params[p]);
      }
      out += ']';
    }
    out += '}';
    seq = e->seq;
  }
  drain_children(out, n, seq);
  if (dgshim_dropped() > 0) {
    Obj e;
    e.num("seq", ++seq).str("type", "trace.dropped").null("line").num("count", dgshim_dropped());
    if (n) out += ',';
    out += e.done();
  }
  return out + "]";
}

// ---------------------------------------------------------------- per-case plumbing
void make_writable(const std::filesystem::path& p) {
  struct stat st;
  if (lstat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    chmod(p.c_str(), 0700);
    std::error_code ec;
    for (auto& e : std::filesystem::directory_iterator(p, ec)) make_writable(e.path());
  }
}

void fresh_workdir() {
  std::error_code ec;
  for (auto& e : std::filesystem::directory_iterator(WORK, ec)) {
    std::error_code ec2;
    std::filesystem::remove_all(e.path(), ec2);
    if (ec2) {
      make_writable(e.path());
      std::filesystem::remove_all(e.path(), ec2);
    }
  }
  struct stat st;
  if (stat(FIXTURES, &st) == 0 && S_ISDIR(st.st_mode)) {
    std::filesystem::copy(FIXTURES, WORK, std::filesystem::copy_options::recursive | std::filesystem::copy_options::copy_symlinks | std::filesystem::copy_options::overwrite_existing, ec);
  }
  if (chdir(WORK) != 0) {}
}

/** False if the file cannot be opened (errno set); a short write is not reported. */
bool write_file(const std::string& path, const std::string& data) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t w = write(fd, p, left);
    if (w <= 0) break;
    p += w;
    left -= static_cast<size_t>(w);
  }
  close(fd);
  return true;
}

std::string read_file(const std::string& path, size_t cap, size_t* size = nullptr) {
  std::string out;
  int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (size) *size = 0;
    return out;
  }
  struct stat st;
  if (size) *size = fstat(fd, &st) == 0 ? static_cast<size_t>(st.st_size) : 0;
  char buf[65536];
  while (out.size() < cap) {
    ssize_t n = read(fd, buf, std::min(sizeof buf, cap - out.size()));
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  close(fd);
  return out;
}

void flush_streams() {
  std::cout.flush();
  std::cerr.flush();
  std::clog.flush();
  std::fflush(nullptr);
}

struct Capture {
  int saved[3];
};

/** The real stderr while a case runs (fds 0-2 point at the case's files then). */
volatile int crash_fd = 2;

extern "C" int resolve_stack(void* const* pcs, int n);

/** A fatal signal in the candidate ends the process (the runner reports `crash`); say which, and where. */
pid_t driver_pid = 0;

extern "C" void on_fatal_signal(int sig) {
  if (getpid() != driver_pid) {
    signal(sig, SIG_DFL);
    raise(sig);
    return;
  }
  char msg[256];
  void* pcs[64];
  int n = backtrace(pcs, 64);
  int line = resolve_stack(pcs, n);
  const char* name = sig == SIGSEGV ? "SIGSEGV (segmentation fault)" : sig == SIGBUS ? "SIGBUS (bus error)" : sig == SIGFPE ? "SIGFPE (arithmetic error)" : sig == SIGILL ? "SIGILL (illegal instruction)" : sig == SIGABRT ? "SIGABRT (abort)" : "a fatal signal";
  int len = line > 0 ? std::snprintf(msg, sizeof msg, "dualgauge: the candidate crashed with %s at line %d\n", name, line)
                     : std::snprintf(msg, sizeof msg, "dualgauge: the candidate crashed with %s\n", name);
  if (len > 0) raw_write(crash_fd, msg, static_cast<size_t>(len));
  signal(sig, SIG_DFL);
  raise(sig);
}

/**
 * Points fds 0-2 at the case's files (fds 0-2 saved above 10). False, with errno and nothing changed, when it
 * cannot: an earlier case of the candidate's hoarded every fd (or filled /sbx/out). Then the case is `setup-failed`
 * and runs in a fresh process, as in the Python harness, not with its output going to the harness's own fds.
 */
bool capture_start(const std::string& stdin_text, Capture& c) {
  flush_streams();
  int saved[3] = {-1, -1, -1}, fds[3] = {-1, -1, -1}, err = 0;
  for (int i = 0; i < 3 && !err; i++)
    if ((saved[i] = fcntl(i, F_DUPFD_CLOEXEC, 10)) < 0) err = errno;
  if (!err && !write_file(std::string(OUT) + "/stdin", stdin_text)) err = errno;
  const char* names[3] = {"/stdin", "/stdout", "/stderr"};
  for (int i = 0; i < 3 && !err; i++)
    if ((fds[i] = open((std::string(OUT) + names[i]).c_str(), i == 0 ? O_RDONLY : O_WRONLY | O_CREAT | O_TRUNC, 0600)) < 0) err = errno;
  if (err) {
    for (int i = 0; i < 3; i++) {
      if (saved[i] >= 0) close(saved[i]);
      if (fds[i] >= 0) close(fds[i]);
    }
    errno = err;
    return false;
  }
  for (int i = 0; i < 3; i++) {
    c.saved[i] = saved[i];
    dup2(fds[i], i);
    close(fds[i]);
  }
  crash_fd = c.saved[2];
  // Nothing buffered from an earlier case's stdin; stream state and format flags as at start.
  __fpurge(stdin);
  clearerr(stdin);
  static std::ios pristine(nullptr);
  for (std::ios* s : {static_cast<std::ios*>(&std::cin), static_cast<std::ios*>(&std::cout), static_cast<std::ios*>(&std::cerr), static_cast<std::ios*>(&std::clog)}) {
    s->clear();
    s->copyfmt(pristine);
  }
  std::cerr.setf(std::ios::unitbuf);
  return true;
}

void capture_end(const Capture& c, Obj& msg) {
  flush_streams();
  crash_fd = 2;
  for (int i = 0; i < 3; i++) {
    if (c.saved[i] >= 0) {
      dup2(c.saved[i], i);
      close(c.saved[i]);
    }
  }
  for (const char* name : {"stdout", "stderr"}) {
    std::string path = std::string(OUT) + "/" + name;
    size_t size = 0;
    std::string data = read_file(path, output_cap, &size);
    msg.str(name, data);
    msg.num((std::string(name) + "_bytes").c_str(), static_cast<long long>(size));
    unlink(path.c_str());
  }
  unlink((std::string(OUT) + "/stdin").c_str());
}

std::string file_report(const Value& files) {
  std::string out = "{";
  bool first = true;
  for (auto& f : files.items) {
    if (f.kind != Value::Str) continue;
    std::string p = std::string(WORK) + "/" + f.s;
    Obj e;
    struct stat st;
    if (lstat(p.c_str(), &st) != 0) e.boolean("exists", false);
    else {
      char mode[8];
      std::snprintf(mode, sizeof mode, "%04o", st.st_mode & 0777);
      e.boolean("exists", true).str("mode", mode).num("size", static_cast<long long>(st.st_size)).boolean("symlink", S_ISLNK(st.st_mode));
      struct stat target;
      if (stat(p.c_str(), &target) == 0 && S_ISREG(target.st_mode) && static_cast<size_t>(st.st_size) <= output_cap) {
        std::string content = read_file(p, output_cap + 1);
        e.raw("content", "{\"$bytes\":\"" + dgv::base64(content) + "\"}");
      }
    }
    if (!first) out += ',';
    first = false;
    dgv::write_string(out, f.s);
    out += ':' + e.done();
  }
  return out + "}";
}

// ---------------------------------------------------------------- coverage
// Per-case counters are dumped after each case into a dir of their own (c<index>/cand.gcda, next to a link to the
// notes file); one gcov run reads them all after the last case (a gcov process costs ~2 ms, a dump ~0.3 ms), and
// a `coverage` message carries every case's lines. The executable lines come from the build (executable.json).
bool coverage_ready = false;

void setup_coverage() {
  mkdir(COV_DIR, 0700);
  std::string gcno = read_file(std::string(BUILD) + "/cand.gcno", 64 << 20);
  if (gcno.empty()) return;
  write_file(std::string(COV_DIR) + "/cand.gcno", gcno);
  coverage_ready = true;
}

/** gcov's JSON documents (one per line, one per data file): data file -> line of the candidate's main file -> count. */
std::map<std::string, std::map<long long, long long>> parse_gcov(const std::string& json) {
  std::map<std::string, std::map<long long, long long>> out;
  try {
    size_t start = 0;
    while (start < json.size()) {
      size_t nl = json.find('\n', start);
      std::string doc = json.substr(start, nl == std::string::npos ? std::string::npos : nl - start);
      start = nl == std::string::npos ? json.size() : nl + 1;
      if (doc.find_first_not_of(" \r\t") == std::string::npos) continue;
      Value v = parse_json(doc);
      const Value* data = v.get("data_file");
      auto& lines = out[data && data->kind == Value::Str ? data->s : ""];
      const Value* files = v.get("files");
      if (!files) continue;
      for (auto& f : files->items) {
        const Value* name = f.get("file");
        if (!name || name->s != CAND_FILE) continue;
        const Value* ls = f.get("lines");
        if (!ls) continue;
        for (auto& l : ls->items) {
          const Value* count = l.get("count");
          const Value* number = l.get("line_number");
          if (count && number && count->kind == Value::Int && number->kind == Value::Int) lines[number->i] += count->i;
        }
      }
    }
  } catch (const std::exception&) {
  }
  return out;
}

/** `gcov --json-format --stdout <data files>` in COV_DIR; its stdout. */
std::string run_gcov(const std::vector<std::string>& data_files) {
  std::vector<const char*> argv = {"gcov", "--json-format", "--stdout"};
  for (auto& f : data_files) argv.push_back(f.c_str());
  argv.push_back(nullptr);
  int pipefd[2];
  if (pipe2(pipefd, O_CLOEXEC) != 0) return "";
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, pipefd[1], 1);
  posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addchdir_np(&fa, COV_DIR);
  pid_t pid;
  int rc = posix_spawn(&pid, "/usr/bin/gcov", &fa, nullptr, const_cast<char* const*>(argv.data()), environ);
  posix_spawn_file_actions_destroy(&fa);
  close(pipefd[1]);
  std::string json;
  if (rc == 0) {
    char buf[65536];
    for (;;) {
      ssize_t n = read(pipefd[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      json.append(buf, static_cast<size_t>(n));
    }
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
  }
  close(pipefd[0]);
  return json;
}

std::string line_list(const std::map<long long, long long>& lines, bool executed_only) {
  std::string out = "[";
  for (auto& [line, count] : lines) {
    if (executed_only && count <= 0) continue;
    out += (out.size() > 1 ? "," : "") + std::to_string(line);
  }
  return out + "]";
}

/** Cases whose counters were dumped: case id, data file relative to COV_DIR. */
std::vector<std::pair<std::string, std::string>> dumped_cases;

/** The counters since the last reset, into c<index>/cand.gcda for the gcov run after the last case. */
void dump_case_counters(const std::string& case_id, size_t index) {
  if (!coverage_ready) return;
  std::string rel = "c" + std::to_string(index);
  std::string dir = std::string(COV_DIR) + "/" + rel;
  mkdir(dir.c_str(), 0700);
  symlink("../cand.gcno", (dir + "/cand.gcno").c_str());
  unlink((dir + "/cand.gcda").c_str());
  setenv("GCOV_PREFIX", dir.c_str(), 1);
  setenv("GCOV_PREFIX_STRIP", "2", 1);
  __gcov_dump();
  unsetenv("GCOV_PREFIX");
  unsetenv("GCOV_PREFIX_STRIP");
  dumped_cases.emplace_back(case_id, rel + "/cand.gcda");
}

/** After the last case: one gcov run over every dumped case, one message with each case's executed lines. */
void send_coverage() {
  if (dumped_cases.empty()) return;
  std::vector<std::string> files;
  for (auto& d : dumped_cases) files.push_back(d.second);
  auto by_file = parse_gcov(run_gcov(files));
  std::string cases = "{";
  for (auto& [id, file] : dumped_cases) {
    if (cases.size() > 1) cases += ',';
    dgv::write_string(cases, id);
    auto it = by_file.find(file);
    cases += ':' + (it == by_file.end() ? std::string("null") : line_list(it->second, true));
  }
  send(Obj().str("t", "coverage").raw("cases", cases + "}"));
}

/**
 * The executable lines of the candidate's main file: gcov's table of the notes file, written by the build
 * (build.sh.hbs); a build from before that file existed gets one gcov run here.
 */
std::string executable_lines() {
  if (!coverage_ready) return "[]";
  std::string json = read_file(std::string(BUILD) + "/executable.json", 64 << 20);
  if (json.empty()) json = run_gcov({"cand.gcda"});
  auto by_file = parse_gcov(json);
  std::map<long long, long long> all;
  for (auto& [file, lines] : by_file)
    for (auto& [line, count] : lines) all[line] += count;
  return line_list(all, false);
}

/** std::terminate (an exception escaping a thread or a noexcept function): say which, then abort. */
[[noreturn]] void on_terminate() {
  std::string msg = "dualgauge: std::terminate called";
  if (std::exception_ptr e = std::current_exception()) {
    try {
      std::rethrow_exception(e);
    } catch (const std::exception& x) {
      msg += std::string(" after an uncaught ") + dualgauge_demangle(typeid(x).name()) + ": " + x.what();
    } catch (...) {
      msg += " after an uncaught exception";
    }
  }
  msg += "\n";
  raw_write(crash_fd, msg.data(), msg.size());
  std::abort();
}

// ---------------------------------------------------------------- calling the candidate
sigjmp_buf exit_jmp;
volatile int exit_status = 0;
pthread_t main_thread;

extern "C" void on_candidate_exit(int status) {
  // Only the driver's own thread can unwind to the case loop; exit() elsewhere ends the process.
  if (!pthread_equal(pthread_self(), main_thread)) return;
  exit_status = status;
  siglongjmp(exit_jmp, 1);
}

struct Outcome {
  bool raised = false;
  Value result;
  std::string type, message;
  bool has_errno = false;
  int err = 0;
};


void describe_current(Outcome& o) {
  o.raised = true;
  std::type_info* t = abi::__cxa_current_exception_type();
  o.type = t ? dualgauge_demangle(t->name()) : "unknown";
  try {
    throw;
  } catch (const std::system_error& e) {
    o.type = dualgauge_demangle(typeid(e).name());
    o.message = e.what();
    if (e.code().category() == std::generic_category() || e.code().category() == std::system_category()) {
      o.has_errno = true;
      o.err = e.code().value();
    }
  } catch (const std::exception& e) {
    o.type = dualgauge_demangle(typeid(e).name());
    o.message = e.what();
  } catch (const char* s) {
    o.message = s ? s : "";
  } catch (const std::string& s) {
    o.message = s;
  } catch (long long x) {
    o.message = std::to_string(x);
  } catch (int x) {
    o.message = std::to_string(x);
  } catch (...) {
  }
  if (o.message.size() > 2000) o.message.resize(2000);
}

double ms_between(const timespec& a, const timespec& b) {
  return (b.tv_sec - a.tv_sec) * 1000.0 + (b.tv_nsec - a.tv_nsec) / 1e6;
}

double round3(double x) { return std::round(x * 1000.0) / 1000.0; }

/** Audit mode: the prefix of the marker paths (audit.ts), empty when the run is not audited. */
std::string audit_prefix;

/** Per-case gcov reset, dump and gcov run; off only when benchmarking (bench/sandbox.mjs). */
bool coverage_on = true;

/** A syscall the host-side strace records, marking where a window starts or ends; raw, so no shim sees it. */
void audit_mark(const std::string& what) {
  if (audit_prefix.empty()) return;
  std::string path = audit_prefix + what;
  raw_syscall(SYS_faccessat, AT_FDCWD, reinterpret_cast<long>(path.c_str()), F_OK, 0);
}

/** One case, prepared (fresh work dir, fds 0-2 on its files: main) and started. */
void run_case(const Value& c, const Capture& cap, size_t index) {
  const Value* id = c.get("id");
  const Value* argsv = c.get("args");
  const Value* files = c.get("files");
  std::vector<Value> args;
  if (argsv)
    for (auto& a : argsv->items) args.push_back(from_input(a));
  Outcome o;
  timespec c0, w0, c1, w1;
  if (coverage_on) __gcov_reset();
  dgshim_begin();
  audit_mark("/s/" + std::to_string(index));
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c0);
  clock_gettime(CLOCK_MONOTONIC, &w0);
  if (sigsetjmp(exit_jmp, 0) == 0) {
    try {
      o.result = dg_entry(args);
    } catch (...) {
      describe_current(o);
    }
  } else {
    o.raised = true;
    o.type = "exit";
    o.message = "the candidate called exit(" + std::to_string(exit_status) + ")";
  }
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &c1);
  clock_gettime(CLOCK_MONOTONIC, &w1);
  audit_mark("/e/" + std::to_string(index));
  dgshim_end();
  int throw_line = dgshim_throw_line();
  Obj msg;
  msg.str("t", "done").str("case", id && id->kind == Value::Str ? id->s : "");
  capture_end(cap, msg);
  msg.str("status", o.raised ? "raised" : "returned");
  if (o.raised) {
    Obj err;
    err.str("type", o.type).str("message", o.message);
    if (o.has_errno) err.num("errno", o.err);
    else err.null("errno");
    if (o.type != "exit" && throw_line > 0) err.num("line", throw_line);
    else err.null("line");
    msg.null("result").raw("error", err.done());
  } else {
    msg.raw("result", dgv::to_json(o.result)).null("error");
  }
  msg.flt("cpu_ms", round3(ms_between(c0, c1))).flt("wall_ms", round3(ms_between(w0, w1)));
  msg.raw("events", events_json());
  // Coverage follows after the last case, for every case at once (send_coverage).
  if (coverage_on) dump_case_counters(id && id->kind == Value::Str ? id->s : "", index);
  msg.raw("lines", coverage_ready ? "null" : "[]");
  msg.raw("files", files ? file_report(*files) : "{}");
  send(msg);
}

}  // namespace

int main(int argc, char** argv) {
  for (int k = 1; k + 1 < argc; k++) {
    if (std::strcmp(argv[k], "--output-cap") == 0) output_cap = std::strtoull(argv[k + 1], nullptr, 10);
    if (std::strcmp(argv[k], "--cand-file") == 0) {
      CAND_FILE = argv[k + 1];
      CAND_BASENAME = CAND_FILE.substr(CAND_FILE.rfind('/') + 1);
    }
  }
  fcntl(CHANNEL, F_SETFD, FD_CLOEXEC);
  umask(022);
  signal(SIGPIPE, SIG_IGN);
  // Past the file size limit a write fails with EFBIG (the `disk` outcome), as in CPython, instead of SIGXFSZ killing the process.
  signal(SIGXFSZ, SIG_IGN);
  main_thread = pthread_self();
  driver_pid = getpid();
  std::string input;
  {
    char buf[65536];
    for (;;) {
      ssize_t n = read(0, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      input.append(buf, static_cast<size_t>(n));
    }
  }
  Value config;
  try {
    config = parse_json(input);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "dualgauge driver: %s\n", e.what());
    _exit(2);
  }
  if (const Value* n = config.get("nonce")) nonce = n->s;
  if (const Value* a = config.get("audit"); a && a->kind == Value::Str) audit_prefix = a->s;
  if (const Value* ins = config.get("instrument")) {
    const Value* trace = ins->get("trace");
    const Value* coverage = ins->get("coverage");
    dgshim_record(!trace || trace->b);
    coverage_on = !coverage || coverage->b;
  }
  // C++ has no load step: the candidate's static initializers ran before main, outside every window.
  audit_mark("/load");
  audit_mark("/loaded");
  if (coverage_on) setup_coverage();
  // `executable`: the lines gcov counts in the candidate's main file (a coverage denominator for validate).
  send(Obj().str("t", "hello").str("cpp", __VERSION__).raw("executable", executable_lines()));
  {
    char replaced[1024];
    int n = candidate_replaces_runtime(replaced, sizeof replaced);
    if (n != 0) {
      std::string what = n < 0 ? std::string("the harness cannot read its own executable to check it (/proc/self/exe)")
                               : "the candidate defines " + std::string(replaced) + (n > 8 ? " and more" : "") +
                                     ". Linked into one process with the harness, a definition replaces the runtime's or the harness's own for every "
                                     "caller, the harness included, so it is not allowed (only malloc and its family, and operator new/delete, may be replaced)";
      send(Obj().str("t", "build-failed").raw("error", Obj().str("type", "ForbiddenDefinition").str("message", what).null("errno").null("line").done()));
      _exit(0);
    }
  }
  load_lines();
  dgshim_set_resolver(resolve_stack);
  dgshim_set_exit_hook(on_candidate_exit);
  if (pipe2(child_fds, O_CLOEXEC | O_NONBLOCK) == 0) dgshim_set_child_fd(child_fds[1]);
  {
    void* warm[4];
    backtrace(warm, 4);  // loads the unwinder now, not inside the first traced call
  }
  {
    // The handler runs on its own stack, so a stack overflow is reported too.
    static char alt[65536];
    stack_t ss{};
    ss.ss_sp = alt;
    ss.ss_size = sizeof alt;
    sigaltstack(&ss, nullptr);
    struct sigaction sa{};
    sa.sa_handler = on_fatal_signal;
    sa.sa_flags = SA_ONSTACK | SA_RESETHAND;
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT}) sigaction(sig, &sa, nullptr);
  }
  std::set_terminate(on_terminate);
  fresh_workdir();
  if (const Value* cases = config.get("cases")) {
    size_t index = 0;
    for (auto& c : cases->items) {
      const Value* id = c.get("id");
      std::string case_id = id && id->kind == Value::Str ? id->s : "";
      fresh_workdir();
      const Value* stdinv = c.get("stdin");
      Capture cap;
      if (!capture_start(stdinv && stdinv->kind == Value::Str ? stdinv->s : "", cap)) {
        // Not this case's doing: the runner starts a fresh process at this case.
        int err = errno;
        Obj e;
        e.str("type", "std::system_error").str("message", std::string("cannot prepare the case's stdin/stdout/stderr in /sbx/out: ") + std::strerror(err)).num("errno", err).null("line");
        send(Obj().str("t", "setup-failed").str("case", case_id).raw("error", e.done()));
        flush_streams();
        _exit(0);
      }
      send(Obj().str("t", "start").str("case", case_id));
      run_case(c, cap, index++);
    }
  }
  send_coverage();
  send(Obj().str("t", "bye"));
  flush_streams();
  _exit(0);
}
