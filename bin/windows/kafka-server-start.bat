@node "%~dp0..\..\dist\src\bin\samsa.cjs" kafka-server-start %*
