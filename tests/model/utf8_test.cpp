// invalid_utf8_offset accepts exactly RFC 3629's well-formed UTF-8.

#include <string>

#include <boost/test/unit_test.hpp>

#include "gatherdb/model/utf8.hpp"

using gatherdb::model::invalid_utf8_offset;
constexpr auto valid = std::string_view::npos;

BOOST_AUTO_TEST_SUITE(model_utf8)

BOOST_AUTO_TEST_CASE(well_formed_text_of_every_sequence_length_is_valid) {
  BOOST_TEST(invalid_utf8_offset("") == valid);
  BOOST_TEST(invalid_utf8_offset("plain ascii") == valid);
  BOOST_TEST(invalid_utf8_offset(std::string_view("nul\0inside", 10)) == valid); // NUL is UTF-8
  BOOST_TEST(invalid_utf8_offset("\xC2\x80 \xDF\xBF") == valid);                 // U+0080, U+07FF
  BOOST_TEST(invalid_utf8_offset("\xE0\xA0\x80 \xED\x9F\xBF \xEE\x80\x80") == valid);
  BOOST_TEST(invalid_utf8_offset("\xF0\x90\x80\x80 \xF4\x8F\xBF\xBF") == valid); // U+10000..10FFFF
  BOOST_TEST(invalid_utf8_offset("Grüße 日本 😀") == valid);
}

BOOST_AUTO_TEST_CASE(ill_formed_sequences_are_found_at_their_first_byte) {
  BOOST_TEST(invalid_utf8_offset("ab\x80") == 2u);           // a stray continuation byte
  BOOST_TEST(invalid_utf8_offset("a\xC0\xAF") == 1u);        // overlong two-byte
  BOOST_TEST(invalid_utf8_offset("a\xC1\xBF") == 1u);        // overlong two-byte
  BOOST_TEST(invalid_utf8_offset("\xE0\x80\xAF") == 0u);     // overlong three-byte
  BOOST_TEST(invalid_utf8_offset("\xF0\x80\x80\xAF") == 0u); // overlong four-byte
  BOOST_TEST(invalid_utf8_offset("x\xED\xA0\x80") == 1u);    // a high surrogate
  BOOST_TEST(invalid_utf8_offset("x\xED\xBF\xBF") == 1u);    // a low surrogate
  BOOST_TEST(invalid_utf8_offset("\xF4\x90\x80\x80") == 0u); // above U+10FFFF
  BOOST_TEST(invalid_utf8_offset("\xF5\x80\x80\x80") == 0u); // no such lead byte
  BOOST_TEST(invalid_utf8_offset("\xFF") == 0u);
  BOOST_TEST(invalid_utf8_offset("ok\xC3") == 2u); // truncated at the end
  BOOST_TEST(invalid_utf8_offset("ok\xE2\x82") == 2u);
  BOOST_TEST(invalid_utf8_offset("ok\xF0\x9F\x98") == 2u);
  BOOST_TEST(invalid_utf8_offset("\xC3\x28") == 0u); // a lead byte without its tail
  BOOST_TEST(invalid_utf8_offset("\xE2\x28\xA1") == 0u);
}

BOOST_AUTO_TEST_SUITE_END()
