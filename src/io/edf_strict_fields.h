#pragma once
// What strict EDF/EDF+ readers (EDFlib, EDFbrowser) demand of header fields, and the smallest
// repair of a field that falls short. Used by `convert`, which keeps every field it can.
#include <string>
#include <string_view>

namespace emg::io::detail {

/// Each byte outside printable ASCII (32..126) becomes '_', except NUL/TAB/CR/LF (padding some
/// writers use), which become spaces. With `unit`, µ (UTF-8 U+00B5 or U+03BC, Latin-1 0xB5)
/// becomes 'u' so "µV" stays a voltage. Width unchanged.
std::string printableBytes(std::string_view raw, bool unit = false);

/// "[+-]digits[.digits][e[+-]digits]" then only trailing spaces (EDFlib's number field).
bool isStrictNumberField(std::string_view field) noexcept;
/// "[+-]digits" then only trailing spaces.
bool isStrictIntegerField(std::string_view field) noexcept;
/// The record duration: digits with at most one '.', no sign or exponent, trailing spaces only.
bool isStrictDurationField(std::string_view field) noexcept;
/// "dd.mm.yy" (day 1-31, month 1-12) and "hh.mm.ss" (hh <= 23, mm, ss <= 59).
bool isStrictDateField(std::string_view field) noexcept;
bool isStrictTimeField(std::string_view field) noexcept;

/// EDF+ patient field: "code sex birthdate name [...]", sex M/F/X, birthdate dd-MMM-yyyy or X.
bool isEdfPlusPatientField(std::string_view field80) noexcept;
/// EDF+ recording field: "Startdate dd-MMM-yyyy|X admincode technician equipment [...]", the
/// date agreeing with the header's start date `date8` (dd.mm.yy).
bool isEdfPlusRecordingField(std::string_view field80, std::string_view date8) noexcept;

/// Repairs keeping as much of the original as fits: "<original, spaces as _> X X X" and
/// "Startdate <header date or X> X X X <original>".
std::string repairedEdfPlusPatientField(std::string_view original);
std::string repairedEdfPlusRecordingField(std::string_view original, std::string_view date8);

/// The header date as EDF+ writes it in the recording field ("dd-MMM-yyyy", years 85-99 ->
/// 19xx), or "X" when `date8` is not a valid date.
std::string edfPlusStartdate(std::string_view date8);

}  // namespace emg::io::detail
