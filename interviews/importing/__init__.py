"""Importing a "List of persons interviewed" (the annex evaluation reports print) into the log.

One pass reads the file row by row (headings, interview rows, co-participant rows), matches
the people to the registry, links follow-ups and finds the interviews imported before; the dry
run reports that plan line by line, and the import runs the same pass again inside one
transaction and carries it out through the interview services, all or nothing.

An interview is recognised again by its content (grouping, dates, the names as read and the
interviewers), never by the file name or row number: a second import of the same list, or the
same list saved as XLSX after CSV, creates nothing, and an edited list adds only its new rows.

- `run`: the doors, `interviews_check` (the dry run) and `interviews_import`;
- `plan`: what is read and planned, and the report the caller gets (`InterviewImport`);
- `reader`, `matching`, `report`: the passes over the file; `writer`: the import itself;
- `columns`: the header row, heading and co-participant rows, the Mode cell
  (names and initials are read in `interviews.cells`, dates in `common.dates`);
- `jobs`: an uploaded file taken step by step (dry run, review, commit) for the pages and API.
"""
