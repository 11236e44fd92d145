// Coalesced lookups: typed selects of one gather that differ only in the key of their first
// equality predicate run as one statement for their distinct keys. The server compares each
// key as it would alone and says which key each row belongs to, so no client-side equality is
// assumed; lookups of identical keys share that key's rows.

#include <algorithm>
#include <charconv>
#include <optional>

#include "gatherdb/model/detail/coalesced_key_class.hpp"

#include "canned_outcomes.hpp"
#include "worker_runs.hpp"

namespace gatherdb::actors::detail {

namespace {

// The statement index of a coalesced row: an integer, or its text where the driver describes
// the derived table's column as text (SQLite does). nullopt when it is neither.
template <class Column>
std::optional<std::size_t> lookup_index(const Column& c, std::size_t row_in_chunk) {
  if (c.is_null(row_in_chunk))
    return std::nullopt;
  if (c.type() == model::value_type::int64) {
    const auto i = c.int64_at(row_in_chunk);
    return i < 0 ? std::nullopt : std::optional<std::size_t>{static_cast<std::size_t>(i)};
  }
  if (c.type() == model::value_type::text) {
    const auto text = c.text_at(row_in_chunk);
    std::size_t i = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), i);
    if (ec == std::errc{} && end == text.data() + text.size())
      return i;
  }
  return std::nullopt;
}

// Splits `rows` (tagged with the index of their lookup, grouped by it) into the first row and
// row count of each of `n` lookups; false when the tags are not what was asked for.
bool split(const model::frozen_result& rows, std::size_t n,
           std::vector<std::pair<std::size_t, std::size_t>>& ranges) {
  ranges.assign(n, {0, 0});
  if (!rows || rows->columns().empty())
    return false;
  std::size_t at = 0;
  std::size_t current = 0;
  bool ok = true;
  for (const auto& chunk : rows->chunks()) {
    const auto& tags = chunk.column(0);
    for (std::size_t r = 0; r < chunk.row_count() && ok; ++r, ++at) {
      const auto i = lookup_index(tags, r);
      if (!i || *i >= n || *i < current || (*i > current && ranges[*i].second != 0)) {
        ok = false;
        break;
      }
      if (ranges[*i].second == 0)
        ranges[*i].first = at;
      ++ranges[*i].second;
      current = *i;
    }
  }
  return ok;
}

// The columns each lookup's result shows: the coalesced result's without the leading index,
// made once per prepared statement and shared by every result it serves.
const model::column_list& sliced_columns(prepared_sql& entry, const model::frozen_result& rows) {
  if (entry.described != rows->shared_columns()) {
    const auto& all = rows->columns();
    entry.described = rows->shared_columns();
    entry.sliced =
        std::make_shared<const std::vector<model::column_info>>(all.begin() + 1, all.end());
  }
  return entry.sliced;
}

} // namespace

namespace {

// Adds items[k], whose key is `key`, to the group, unless the key may equal a stored value that
// a different key of the group equals (the database could not say which one it matched).
void place(connection_worker_state& st, std::size_t k, const model::value& key, model::dialect d) {
  model::detail::coalesced_key_class(key, d, st.key_class);
  const auto [at, added] = st.key_classes.try_emplace(st.key_class, st.keys.size());
  if (added)
    st.keys.push_back(&key);
  else if (*st.keys[at->second] != key)
    return;
  st.group.push_back(k);
  st.key_of.push_back(at->second);
}

} // namespace

bool coalesce_group(connection_worker_state& st, const std::vector<work_item>& items,
                    std::size_t i) {
  const auto& first = items[i];
  const auto max_coalesce = st.config->max_coalesce;
  st.group.clear();
  st.key_of.clear();
  st.keys.clear();
  st.key_classes.clear();
  if (max_coalesce < 2 || !st.conn || !first.stmt.coalescible() || first.control->stopped())
    return false;
  const auto& key_sql = compiled(st, items, i);
  // A NULL key matches nothing and says nothing about the type of the others, a key the driver
  // refuses must fail alone, and one the dialect's list of keys would compare otherwise must
  // be compared alone: all run alone.
  const auto dialect = st.conn->sql_dialect();
  if (key_sql.params.empty() || key_sql.params.front().is_null() ||
      !drivers::sendable(key_sql.params.front()) ||
      !model::coalescible_key(key_sql.params.front(), dialect))
    return false;
  place(st, i, key_sql.params.front(), dialect);
  for (auto k = i + 1; k < items.size() && st.group.size() < max_coalesce; ++k) {
    const auto& item = items[k];
    if (st.taken[k] || item.control != first.control || item.deadline != first.deadline ||
        !item.stmt.coalescible())
      continue;
    const auto& sql = compiled(st, items, k);
    if (sql.sql != key_sql.sql || sql.params.size() != key_sql.params.size() ||
        sql.params.front().type() != key_sql.params.front().type() ||
        !drivers::sendable(sql.params.front()) ||
        !model::coalescible_key(sql.params.front(), dialect) ||
        !std::equal(sql.params.begin() + 1, sql.params.end(), key_sql.params.begin() + 1))
      continue;
    place(st, k, sql.params.front(), dialect);
  }
  return st.group.size() > 1;
}

void run_coalesced(connection_worker_state& st, std::vector<work_item>& items, done_chunk& out) {
  const auto started = worker_clock::now();
  const auto& group = st.group;
  const auto n = group.size();
  const auto& first = items[group.front()];
  auto& sql = st.coalesced;
  // NULL keys, which match nothing, pad the list to a multiple of 8: a connection then
  // prepares a few texts of the statement, not one for every number of distinct keys.
  static const model::value no_key;
  while (st.keys.size() % 8 != 0 && st.keys.size() < st.config->max_coalesce)
    st.keys.push_back(&no_key);
  first.stmt.compile_coalesced_into(st.conn->sql_dialect(), st.keys, sql);
  for (auto k : group)
    st.taken[k] = true;

  drivers::run_timings timings;
  drivers::run_options opts;
  opts.deadline = first.deadline;
  opts.stop = first.control->stop;
  opts.timings = &timings;
  std::optional<drivers::database_error> failure;
  bool malformed = false;
  try {
    auto& entry = prepared(st, sql.sql);
    auto rows = entry.single.run(sql.params, opts);
    std::vector<std::pair<std::size_t, std::size_t>> ranges;
    if (split(rows, st.keys.size(), ranges)) {
      const auto& columns = sliced_columns(entry, rows);
      for (std::size_t j = 0; j < n; ++j) {
        auto& item = items[group[j]];
        work_done d;
        d.status = outcome_status::ok;
        const auto& [first_row, row_count] = ranges[st.key_of[j]];
        d.rows = model::slice(rows, first_row, row_count, 1, columns);
        d.metrics.queue_wait_us = micros(started - item.gathered);
        d.metrics.execute_us = micros(timings.execute / n);
        d.metrics.fetch_us = micros(timings.fetch / n);
        d.metrics.attempts = 1;
        d.metrics.batched = 1;
        d.metrics.coalesced = static_cast<std::uint16_t>(n);
        out.results.emplace_back(std::move(item.session), std::move(d));
      }
      return;
    }
    malformed = true;
  } catch (const drivers::database_error& e) {
    failure = e;
  } catch (const std::exception& e) {
    failure.emplace(
        drivers::error_info{"HY000", 0, e.what(), drivers::error_category::other, false});
  }
  const bool lost = failure && lost_connection(st, *failure);
  if (lost)
    drop_connection(st);
  const bool ours = failure && ended_by_gather(first, *failure);
  const bool retry = lost && failure->retryable() && st.config->retry_idempotent_reads;
  for (auto k : group) {
    auto& item = items[k];
    work_done d;
    if (first.control->stopped()) {
      d = stopped_outcome(*first.control);
    } else if (!malformed && (ours || (lost && !retry))) {
      d.status = ours ? outcome_status::cancelled : outcome_status::failed;
      d.error = {error_source::database, failure->info()};
      d.metrics.attempts = 1;
      d.metrics.coalesced = static_cast<std::uint16_t>(n);
    } else {
      // Lost: the coalesced execution was every lookup's first attempt. Otherwise running
      // each alone gives each its own result or error.
      d = execute(st, items, k, lost ? 2 : 1);
      d.metrics.fell_back = true;
    }
    out.results.emplace_back(std::move(item.session), std::move(d));
  }
}

} // namespace gatherdb::actors::detail
