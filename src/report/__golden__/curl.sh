# Preflight (what the browser sent first)
# Look for these in the response:
# expected  Access-Control-Allow-Headers: includes authorization
# actual    Access-Control-Allow-Headers: content-type, x-request-id
curl -i --globoff -X OPTIONS 'http://127.0.0.1:41001/api/orders/17' \
  -H 'Access-Control-Request-Method: PUT' \
  -H 'Access-Control-Request-Headers: authorization,content-type,x-request-id' \
  -H 'Origin: http://localhost:41000'

# Actual request (PUT)
# The request body is not part of this report: add it with --data-binary '…' if the server needs it to answer.
# The browser never sent the actual request (it stopped at the preflight), so its headers were not observed; this command sends the headers the preflight announced, with values marked <not observed> where none was seen.
curl -i --globoff -X PUT 'http://127.0.0.1:41001/api/orders/17' \
  -H 'authorization: <not observed>' \
  -H 'content-type: <not observed>' \
  -H 'x-request-id: <not observed>' \
  -H 'Origin: http://localhost:41000'
