"""Word reports generated from the database (报表中心, issue 7): the official-document builder and the
reports built on it. python-docx is imported only while a document is built."""
