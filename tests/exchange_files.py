"""Import files with each quirk of the real exports, written for these tests.

Built as bytes here (not stored files) so that the BOM, CRLF line endings and
folded lines reach the reader exactly as an export has them.
"""
from __future__ import annotations

LINKEDIN_PREAMBLE = (
    'Notes:\r\n'
    '"When exporting your connection data, you may notice that some of the email '
    'addresses are missing. You will only see email addresses for connections who '
    'have allowed it, see https://www.linkedin.example/settings"\r\n'
    '\r\n')
LINKEDIN_HEADER = "First Name,Last Name,URL,Email Address,Company,Position,Connected On"


def linkedin(rows: list[str], *, preamble: bool = True, bom: bool = True,
             crlf: bool = True, header: str = LINKEDIN_HEADER) -> bytes:
    """A Connections.csv: optional BOM and preamble, the header, then *rows*."""
    nl = "\r\n" if crlf else "\n"
    text = (LINKEDIN_PREAMBLE.replace("\r\n", nl) if preamble else "") + header + nl
    text += "".join(row + nl for row in rows)
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


# Line numbers below count the preamble (3 lines) and the header (line 4).
LINKEDIN_ROWS = [
    # 5: quoted commas in the position, no email
    'Jane,Doe,https://www.linkedin.com/in/janedoe,,Acme,"Engineer, iOS and macOS",15 Mar 2024',
    # 6: an email, a country sub-domain and a trailing slash
    'Zoë,Ørsted,https://dk.linkedin.com/in/zoe-orsted/,zoe@globex.example,Globex,CTO,01 Feb 2023',
    # 7: no name at all (a profile LinkedIn no longer shows)
    ',,,,,,03 Jan 2022',
    # 8: a comma outside quotes: one field too many
    'Bad,Row,https://www.linkedin.com/in/badrow,,Acme, Inc,Engineer,10 Oct 2021',
    # 9: a date that is not one
    'Tim,Late,https://www.linkedin.com/in/timlate,,Initech,PM,31 Foo 2024',
    # 10: a quoted field spanning two lines
    'Ann,Lee,https://www.linkedin.com/in/annlee,ann@lee.example,"Hooli',
    '",Recruiter,07 Jul 2020',
    # 12: Jane again (the URL with a query string), now with her email
    'Jane,Doe,http://linkedin.com/in/janedoe?trk=people,jane@acme.example,Acme,,15 Mar 2024',
]

# An old export: no preamble, no BOM, LF, and no Email Address / Connected On columns.
LINKEDIN_OLD = linkedin(
    ["Pat,Kim,https://www.linkedin.com/in/patkim,Umbrella,Designer"],
    preamble=False, bom=False, crlf=False,
    header="First Name,Last Name,URL,Company,Position")

GOOGLE_CURRENT = (
    "First Name,Middle Name,Last Name,Nickname,Notes,Labels,E-mail 1 - Label,"
    "E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,"
    "Organization Name,Organization Title,Website 1 - Label,Website 1 - Value\r\n"
    "Maria,,García,,\"Met at PyCon, likes climbing\",* myContacts ::: Work Friends,"
    "* Work,maria@initech.example ::: maria.g@home.example,,,Mobile,+34 600 000 000,"
    "Initech,Data Engineer,Profile,https://www.linkedin.com/in/mariagarcia\r\n"
    ",,,,,* starred,,,,,,,,,,\r\n"
).encode("utf-8")

GOOGLE_LEGACY = (
    "Name,Given Name,Additional Name,Family Name,Notes,Group Membership,"
    "E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value,"
    "Organization 1 - Type,Organization 1 - Name,Organization 1 - Title\n"
    "Sam Poe,Sam,,Poe,,* My Contacts ::: Recruiters,* Work,sam@umbrella.example,"
    "Work,0123 456,,Umbrella,Recruiter\n"
).encode("utf-8")

VCARDS = (
    # line 1: vCard 2.1, quoted-printable UTF-8
    "BEGIN:VCARD\r\n"
    "VERSION:2.1\r\n"
    "N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=BCrgen;;;\r\n"
    "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:J=C3=BCrgen M=C3=BCller\r\n"
    "TEL;CELL:+49 30 1234567\r\n"
    "EMAIL;INTERNET:juergen@example.de\r\n"
    "END:VCARD\r\n"
    # line 8: vCard 3.0 from Apple: itemN. groups, a folded TITLE, escaped comma
    "BEGIN:VCARD\r\n"
    "VERSION:3.0\r\n"
    "N:Nguyen;Linh;;;\r\n"
    "FN:Linh Nguyen\r\n"
    "item1.EMAIL;type=INTERNET;type=pref:linh@hooli.example\r\n"
    "item1.X-ABLabel:_$!<Work>!$_\r\n"
    "item2.URL;type=pref:https://www.linkedin.com/in/linhnguyen\r\n"
    "item2.X-ABLabel:LinkedIn\r\n"
    "ORG:Hooli;Platform\r\n"
    "TITLE:Senior Engineering Manager\\, Platform and Developer Experien\r\n"
    " ce\r\n"
    "CATEGORIES:Friends,Bay Area\r\n"
    "NOTE:Climbs on Tuesdays.\r\n"
    "END:VCARD\r\n"
    # line 22: vCard 4.0, LF, a tel: URI, no FN
    "BEGIN:VCARD\n"
    "VERSION:4.0\n"
    "N:Okafor;Chidi;;;\n"
    "TEL;VALUE=uri;TYPE=cell:tel:+1-555-0142\n"
    "EMAIL;TYPE=work:chidi@vought.example\n"
    "ORG:Vought\n"
    "END:VCARD\n"
    # line 29: a broken card: the others still import
    "BEGIN:VCARD\n"
    "VERSION:3.0\n"
    "FN:Broken Card\n"
    "this line is not a property\n"
    "END:VCARD\n"
    # line 34: a card without any name
    "BEGIN:VCARD\n"
    "VERSION:3.0\n"
    "EMAIL:nobody@example.org\n"
    "END:VCARD\n"
).encode("utf-8")
