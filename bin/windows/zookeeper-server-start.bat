@node "%~dp0..\..\dist\src\bin\samsa.cjs" zookeeper-server-start %*
