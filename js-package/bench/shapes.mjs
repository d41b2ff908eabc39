// The benchmark's two record shapes (the same as affinity-avro's corpus `Small` and `Order`,
// avro/tests/corpus/mod.rs) and one realistic value of each, plus the one-field change whose
// delta the benchmark applies.

export const small = {
  name: 'Small',
  schema: {
    type: 'record', name: 'Small', namespace: 'corpus',
    fields: [
      { name: 'id', type: 'long' },
      { name: 'name', type: 'string' },
      { name: 'active', type: 'boolean' },
      { name: 'score', type: 'double' },
      { name: 'count', type: 'int' },
    ],
  },
  value: { id: 1234567, name: 'vertex-42', active: true, score: 0.875, count: 17 },
  change: (v) => ({ ...v, count: v.count + 1 }),
};

const address = {
  type: 'record', name: 'Address', namespace: 'corpus.shop',
  fields: ['street', 'city', 'zip', 'country'].map((name) => ({ name, type: 'string' })),
};

export const order = {
  name: 'Order',
  schema: {
    type: 'record', name: 'Order', namespace: 'corpus.shop',
    fields: [
      { name: 'id', type: { type: 'string', logicalType: 'uuid' } },
      { name: 'customer_id', type: 'long' },
      { name: 'customer_name', type: 'string' },
      { name: 'email', type: 'string' },
      { name: 'phone', type: ['null', 'string'], default: null },
      { name: 'status', type: { type: 'enum', name: 'Status', symbols: ['Pending', 'Paid', 'Shipped', 'Delivered', 'Cancelled'] } },
      { name: 'created_at', type: { type: 'long', logicalType: 'timestamp-micros' } },
      { name: 'updated_at', type: ['null', 'long'], default: null },
      { name: 'shipping', type: address },
      { name: 'billing', type: ['null', 'Address'], default: null },
      {
        name: 'items',
        type: {
          type: 'array',
          items: {
            type: 'record', name: 'LineItem',
            fields: [
              { name: 'sku', type: 'string' },
              { name: 'quantity', type: 'int' },
              { name: 'unit_price_cents', type: 'long' },
            ],
          },
        },
      },
      { name: 'tags', type: { type: 'array', items: 'string' } },
      { name: 'attributes', type: { type: 'map', values: 'string' } },
      { name: 'total_cents', type: 'long' },
      { name: 'tax_cents', type: 'long' },
      { name: 'currency', type: 'string' },
      { name: 'gift', type: 'boolean' },
      { name: 'note', type: ['null', 'string'], default: null },
      { name: 'discount_rate', type: 'double' },
      { name: 'loyalty_points', type: 'int' },
    ],
  },
  value: {
    id: '5f0c6a3e-9b1d-4c2a-8e7f-1a2b3c4d5e6f',
    customer_id: 90412,
    customer_name: 'Ada Lovelace',
    email: 'ada@example.com',
    phone: '+44 20 7946 0958',
    status: 'Paid',
    created_at: 1763790000123456,
    updated_at: 1763790042000000,
    shipping: { street: '12 Analytical Row', city: 'London', zip: 'NW1 2AB', country: 'GB' },
    billing: null,
    items: [
      { sku: 'BK-0001', quantity: 1, unit_price_cents: 2499 },
      { sku: 'PN-0420', quantity: 3, unit_price_cents: 150 },
      { sku: 'NB-7781', quantity: 2, unit_price_cents: 899 },
    ],
    tags: ['priority', 'gift-wrap'],
    attributes: { channel: 'web', campaign: 'autumn' },
    total_cents: 4747,
    tax_cents: 791,
    currency: 'GBP',
    gift: false,
    note: 'leave at the door',
    discount_rate: 0.05,
    loyalty_points: 47,
  },
  change: (v) => ({ ...v, status: 'Shipped' }),
};

export const shapes = [small, order];
