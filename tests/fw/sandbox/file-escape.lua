-- A file name may not leave the output directory.
file("../../etc/passwd")
