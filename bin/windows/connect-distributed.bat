@node "%~dp0..\..\dist\src\bin\samsa.cjs" connect-distributed %*
