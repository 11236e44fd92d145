#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "gatherdb/model/merge_policy.hpp"
#include "gatherdb/model/session_state.hpp"
#include "gatherdb/model/statement.hpp"

namespace gatherdb::actors {

/// What a gather does when a statement fails.
enum class gather_mode : std::uint8_t {
  /// The first error fails the gather and cancels the statements still outstanding.
  fail_fast,
  /// Every statement ends as a result or an error (`asyncio.gather(return_exceptions=True)`).
  collect,
};

[[nodiscard]] std::string_view to_string(gather_mode m) noexcept;

/// Options of one gather. Thread-safety: a value type (the session it may point to is not
/// thread-safe: see `session`).
struct gather_options {
  gather_mode mode = gather_mode::fail_fast;
  /// How merging treats a row whose primary key is already in the session.
  model::merge_policy policy = model::merge_policy::overwrite;
  /// Per-statement deadline, from the moment the gather starts; zero takes the client's
  /// `settings::statement_timeout`, a negative value means none.
  std::chrono::milliseconds timeout{0};
  /// The session state to merge into. Null (the default) gives the gather a fresh session of
  /// its own. A shared long-lived session is merged into by the gather's merge actor while the
  /// gather runs, so the caller must not touch it (nor run two gathers on it) until the gather
  /// returns; afterwards its objects are the caller's again.
  std::shared_ptr<model::session_state> session;
  /// The route of each statement that names none with `on()` (SQLAlchemy's `shard_chooser`):
  /// empty, they run on `default`. Called once per statement on a scheduler thread, from
  /// several at once: it must be thread-safe, quick and never block. A route it names that the
  /// client does not have fails that statement (`error_source::route`).
  std::function<std::string(const model::statement&)> route_chooser;
};

} // namespace gatherdb::actors
