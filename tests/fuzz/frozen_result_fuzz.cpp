// libFuzzer target: decoding a frozen result from untrusted bytes either throws codec_error or
// yields a result whose encoding decodes to the same encoding again (a fixpoint: placeholder
// values under NULLs are not preserved, so the first re-encoding may differ from the input), and
// whose every cell reads as a value without throwing (the decoder checked each one's range or
// form: an escaping value_error aborts the run).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "gatherdb/model/frozen_result_codec.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes{reinterpret_cast<const char*>(data), size};
  try {
    auto result = gatherdb::model::decode_frozen_result(bytes);
    auto once = gatherdb::model::encode_frozen_result(*result);
    auto twice =
        gatherdb::model::encode_frozen_result(*gatherdb::model::decode_frozen_result(once));
    if (once != twice)
      std::abort();
    result->for_each_row([&](const gatherdb::model::row_ref& row) {
      for (std::size_t c = 0; c < row.size(); ++c)
        (void)row.at(c);
    });
  } catch (const gatherdb::model::codec_error&) {
  }
  return 0;
}
